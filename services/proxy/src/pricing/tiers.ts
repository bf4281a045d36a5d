// How the tier, data residency and speed a response was billed at change its token price, where
// the provider publishes one rule for every model (the price table has standard prices only):
// - Anthropic batch: "Batch API: 50% off input and output" (Anthropic pricing page, batch
//   processing);
// - Anthropic `inference_geo: "us"` on Claude Opus 4.6 and newer: "priced at 1.1x the standard
//   rate across all token pricing categories"; older models unchanged; Claude API only (Anthropic
//   data residency documentation);
// - OpenAI flex: "Tokens are priced at Batch API rates" (OpenAI flex processing guide), i.e. half
//   the standard rates; OpenAI batch the same;
// - Vertex / Gemini flex (`trafficType: ON_DEMAND_FLEX`) and batch: 50% of standard ("Batch and
//   Flex tiers offer 50% discount", @pydantic/genai-prices' Gemini price notes from
//   ai.google.dev/gemini-api/docs/pricing).
// Tiers without one published rule — OpenAI priority (per-model prices) and scale (committed
// units), Anthropic priority (committed capacity), Vertex priority and provisioned throughput,
// Bedrock priority / flex / reserved, any tier of another provider — and Anthropic fast mode
// (`speed: "fast"`, premium per model) are unpriced unless TOKENTAP_PRICES prices them: the record
// then names the modifier (`service_tier:priority`, `speed:fast`) instead of a wrong figure.
// Multipliers apply to token prices only (tool and request fees are not discounted). Pure.

/** A price modifier: a multiplier for token prices, or the modifier no rule prices. */
export type Modifier = { multiplier: number } | { unpriced: string }

export interface ModifierInput {
  provider: string
  model: string | null
  serviceTier?: string | null | undefined
  inferenceGeo?: string | null | undefined
  speed?: string | null | undefined
}

/** Tiers that mean "the standard price" whoever reports them. */
const STANDARD = new Set([
  '',
  'standard',
  'default',
  'auto',
  'on_demand',
  'traffic_type_unspecified',
])

type Family = 'anthropic' | 'openai' | 'google' | 'other'

const isClaude = (model: string | null): boolean => model !== null && /claude/i.test(model)

function family(provider: string, model: string | null): Family {
  if (provider === 'anthropic') return 'anthropic'
  if (provider === 'openai' || provider === 'azure-openai') return 'openai'
  if (provider === 'gemini' || provider === 'vertex')
    return isClaude(model) ? 'anthropic' : 'google'
  return 'other'
}

/** Half price, by family and tier (lower case). */
const HALF: Readonly<Record<Family, ReadonlySet<string>>> = {
  anthropic: new Set(['batch']),
  openai: new Set(['flex', 'batch']),
  google: new Set(['on_demand_flex', 'flex', 'batch']),
  other: new Set(),
}

/** Claude models released before Opus 4.6: their price does not depend on inference_geo. */
const PRE_GEO_CLAUDE =
  /^claude-(?:instant|[123](?:[-.]|$))|^claude-(?:opus|sonnet|haiku)-4(?:-[015])?(?:$|[-@]\d{8}|@)/i

function tierMultiplier(fam: Family, tier: string): Modifier {
  if (STANDARD.has(tier)) return { multiplier: 1 }
  if (HALF[fam].has(tier)) return { multiplier: 0.5 }
  return { unpriced: `service_tier:${tier}` }
}

/** The token-price multiplier of a record's tier, residency and speed, or what is unpriced. */
export function priceModifier(r: ModifierInput): Modifier {
  const fam = family(r.provider, r.model)
  const tier = tierMultiplier(fam, (r.serviceTier ?? '').toLowerCase())
  if ('unpriced' in tier) return tier
  const speed = (r.speed ?? 'standard').toLowerCase()
  if (speed !== 'standard') return { unpriced: `speed:${speed}` }
  const geo = (r.inferenceGeo ?? '').toLowerCase()
  const usOnly = r.provider === 'anthropic' && geo === 'us' && !PRE_GEO_CLAUDE.test(r.model ?? '')
  return { multiplier: tier.multiplier * (usOnly ? 1.1 : 1) }
}
