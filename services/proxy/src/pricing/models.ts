// Which genai-prices provider/model pairs to try for one of our records, in order. Our provider
// names come from providers/table.ts; model ids arrive in each platform's own spelling
// (Bedrock inference profiles and ARNs, Vertex `@` versions, Gemini `models/…`, OpenRouter
// `vendor/model`), so each gets its spellings tried before the record is called unpriced.

import { Lru } from './lru.ts'

/** Our provider name → genai-prices provider id. Absent (amazon-q, unknown hosts): see below. */
export const GENAI_PROVIDER: Readonly<Record<string, string>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  'azure-openai': 'azure', // genai-prices falls back from azure to openai, anthropic, …
  gemini: 'google',
  vertex: 'google',
  bedrock: 'aws',
  openrouter: 'openrouter',
  groq: 'groq',
  xai: 'x-ai',
  deepseek: 'deepseek',
  mistral: 'mistral',
  'github-copilot': 'github-copilot',
}

/** Billed in credits only: never priced from token tables. */
const CREDIT_ONLY = new Set(['amazon-q'])

/** OpenRouter `vendor/` prefixes whose list prices genai-prices carries. */
const OPENROUTER_VENDOR: Readonly<Record<string, string>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  google: 'google',
  'x-ai': 'x-ai',
  deepseek: 'deepseek',
  mistralai: 'mistral',
}

export type PriceLookup =
  | { providerId: string; model: string }
  | { providerApiUrl: string; model: string }

const BEDROCK_REGION = /^(?:us-gov|global|apac|us|eu|au|jp|ca|in)\./
const DATE_SUFFIX = /[-@](?:\d{8}|\d{4}-\d{2}-\d{2})$/

function decode(model: string): string {
  if (!model.includes('%')) return model
  try {
    return decodeURIComponent(model)
  } catch {
    return model
  }
}

const afterSlash = (m: string): string => m.slice(m.lastIndexOf('/') + 1)

/** The spellings of one model id to try: as given, `@` → `-`, without a trailing date. */
export function modelVariants(model: string): string[] {
  const m = model.trim().toLowerCase()
  const out = [m, m.replace(/@/g, '-'), m.replace(DATE_SUFFIX, '')]
  return [...new Set(out.filter((v) => v !== ''))]
}

/** A Bedrock id reduced to the vendor's own name: `us.anthropic.claude-x-20250929-v1:0` →
 *  `claude-x-20250929`. */
export function bedrockBaseModel(model: string): string {
  return afterSlash(model.toLowerCase())
    .replace(BEDROCK_REGION, '')
    .replace(/^[a-z0-9-]+\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/:\d+$/, '')
}

/** All names a model goes by for matching override globs. */
export function modelAliases(provider: string, model: string): string[] {
  const m = decode(model.trim())
  const names = [m, afterSlash(m)]
  if (provider === 'bedrock') names.push(bedrockBaseModel(m))
  return [...new Set(names.flatMap(modelVariants))]
}

const lookupMemo = new Lru<string, readonly PriceLookup[]>(2048)

/** The genai-prices look-ups for a record, most specific first; empty when none applies.
 *  Remembered per (provider, model, host): the spellings of a name never change. */
export function priceLookups(
  provider: string,
  model: string | null,
  host?: string,
): readonly PriceLookup[] {
  const key = `${provider}\u0000${model}\u0000${host ?? ''}`
  const known = lookupMemo.get(key)
  if (known !== undefined) return known
  const out = findLookups(provider, model, host)
  lookupMemo.set(key, out)
  return out
}

function findLookups(provider: string, model: string | null, host?: string): PriceLookup[] {
  if (model === null || model.trim() === '' || CREDIT_ONLY.has(provider)) return []
  const raw = decode(model.trim())
  const out: PriceLookup[] = []
  const add = (providerId: string, m: string) => {
    for (const v of modelVariants(m)) out.push({ providerId, model: v })
  }
  const id = GENAI_PROVIDER[provider]
  if (provider === 'bedrock') {
    // Bedrock's table knows regional and global profiles; a geography prefix it does not list
    // (a new `ca.`, `in.` …) is a regional profile, priced as the `us.` one (every regional
    // profile carries the same premium over global); a model it lacks is priced at the vendor's
    // list price (Anthropic's, which Bedrock's global endpoints match).
    const bare = afterSlash(raw)
    add('aws', bare)
    const geo = BEDROCK_REGION.exec(bare.toLowerCase())?.[0]
    if (geo !== undefined && geo !== 'global.' && geo !== 'us.') {
      add('aws', `us.${bare.slice(geo.length)}`)
    }
    const base = bedrockBaseModel(bare)
    if (base.startsWith('claude')) add('anthropic', base)
  } else if (provider === 'gemini' || provider === 'vertex') {
    const bare = afterSlash(raw)
    if (bare.toLowerCase().startsWith('claude')) add('anthropic', bare)
    add('google', bare)
  } else if (provider === 'openrouter') {
    add('openrouter', raw)
    const slash = raw.indexOf('/')
    const vendor = OPENROUTER_VENDOR[raw.slice(0, slash).toLowerCase()]
    // `:free` variants cost nothing on OpenRouter: never price them at the vendor's list price.
    if (slash > 0 && vendor && !raw.endsWith(':free')) add(vendor, raw.slice(slash + 1))
  } else if (id) {
    add(id, raw)
  } else if (host) {
    // A host added to the intercept list: genai-prices matches providers by API URL.
    for (const v of modelVariants(raw)) out.push({ providerApiUrl: `https://${host}`, model: v })
  }
  return out
}
