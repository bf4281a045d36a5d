// UsageRecord: the one record every proxied exchange yields (docs/ARCHITECTURE.md §4, rule 4).

import type { BilledUnitColumns, BilledUsage } from './billing.ts'

export type Transport = 'http' | 'websocket'
/** blocked: refused by a hard budget (`"action": "block"`), answered by the proxy, never sent
 *  upstream. */
export type Outcome = 'ok' | 'upstream_error' | 'aborted' | 'failed' | 'blocked'
export const OUTCOMES: readonly Outcome[] = ['ok', 'upstream_error', 'aborted', 'failed', 'blocked']
/** provider: counted by the provider; partial: the provider's counts before the exchange broke
 *  off; estimated: our own tokenizer estimate; none: nothing known. */
export type UsageSource = 'provider' | 'partial' | 'estimated' | 'none'

// --- Billing kind (issue 16, part 3) ---
/** Who pays for a request, from the kind of credential it carried: `api_key` = billed to an API
 *  key / cloud account, `subscription` = covered by a plan (Claude OAuth, ChatGPT sign-in, Gemini
 *  Code Assist …), `unknown` = no credential we could classify. Unknown counts as billed. */
export type BillingKind = 'api_key' | 'subscription' | 'unknown'
export const BILLING_KINDS: readonly BillingKind[] = ['api_key', 'subscription', 'unknown']

/** Token buckets, normalised as in docs/ARCHITECTURE.md §5. */
export interface TokenBuckets {
  /** Uncached input tokens. */
  inputTokens: number | null
  /** Output tokens, thinking/reasoning included. */
  outputTokens: number | null
  cacheReadTokens: number | null
  cacheWrite5mTokens: number | null
  cacheWrite1hTokens: number | null
  /** Breakdown only: already included in outputTokens. */
  reasoningTokens: number | null
}

export interface UsageRecord extends TokenBuckets {
  id: string
  startedAt: string
  durationMs: number
  ttfbMs: number | null
  provider: string
  host: string
  method: string
  path: string
  endpoint: string | null
  model: string | null
  stream: boolean
  transport: Transport
  status: number | null
  outcome: Outcome
  usageSource: UsageSource
  billable: boolean
  responseId: string | null
  user: string | null
  project: string | null
  // Sessions and sub-agents (optional so records from older proxies, e.g. spool files, fit).
  /** X-Tokentap-Session, else the client's own session id (Claude Code, Codex). */
  session?: string | null
  /** The sub-agent's id (Claude Code's agent id, a Codex sub-agent's thread); null = main thread. */
  agent?: string | null
  /** The sub-agent's kind (general-purpose, Explore, collab_spawn, review …), when sent. */
  agentType?: string | null
  program: string | null
  // --- Billing kind and account (issue 16): optional so older spooled records still fit.
  /** The credential's kind (see BillingKind); absent = 'unknown'. */
  billingKind?: BillingKind
  /** Non-reversible, keyed fingerprint of the credential (never the secret); null when none. */
  account?: string | null
  requestBytes: number
  responseBytes: number
  error: string | null
  /** Set when the parser met bytes it could not read; what it knew is still recorded. */
  parseError: string | null
  /** The provider's own usage object, kept for recomputing costs. */
  rawUsage: unknown
  /** Provider credits (Amazon Q / Kiro), null when billed in tokens. */
  credits: number | null
  /** USD; null when the model is not priced (never 0 for "unknown"). */
  costUsd: number | null
  /** Where the price came from (e.g. "genai-prices", "override", "provider"), "unpriced" when none. */
  priceSource: string | null
  priceVersion: string | null
  // --- Billed units beyond the buckets (billing.ts, issue 14). Optional like `session`: records
  // from older proxies (spool files) and readers written before them still fit.
  serviceTier?: BilledUsage['serviceTier']
  inferenceGeo?: BilledUsage['inferenceGeo']
  speed?: BilledUsage['speed']
  units?: BilledUsage['units']
  subUsage?: BilledUsage['subUsage']
  audioInputTokens?: BilledUnitColumns['audioInputTokens']
  audioOutputTokens?: BilledUnitColumns['audioOutputTokens']
  webSearches?: BilledUnitColumns['webSearches']
  /** Units (or modifiers such as `service_tier:priority`) the price table had no price for:
   *  costUsd is then the priced part only (or null when nothing could be priced). */
  unpricedUnits?: string[] | null
}

/** The token buckets' names, in the order tables and exports show them. */
export const BUCKET_KEYS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
] as const satisfies ReadonlyArray<keyof TokenBuckets>

export const emptyBuckets = (): TokenBuckets => ({
  inputTokens: null,
  outputTokens: null,
  cacheReadTokens: null,
  cacheWrite5mTokens: null,
  cacheWrite1hTokens: null,
  reasoningTokens: null,
})
