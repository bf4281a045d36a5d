// Synthetic UsageRecords for storage tests and the ingest benchmark: a deterministic spread of
// providers, models, users, projects, programs, outcomes and token buckets over a few hours.

import { type BilledUnits, type UsageRecord, unitColumns } from '@tokentap/shared'

export interface RecordOptions {
  /** Seed for the pseudo-random spread (default 1). */
  seed?: number
  /** started_at of the first record, ms (default 2026-01-15T10:00:00Z). */
  startMs?: number
  /** Spread of started_at in ms (default 3 h). */
  spanMs?: number
  /** Share of records whose attribution is picked field by field (default 0.1). */
  mixed?: number
}

const PROVIDERS = ['anthropic', 'openai', 'google', 'bedrock']
const MODELS = ['claude-sonnet-4-5', 'gpt-5', 'gemini-2.5-pro', null, 'claude-haiku-4-5']
const USERS = ['alice', 'bob', 'carol', null]
const PROJECTS = ['billing-bot', null, 'search']
const PROGRAMS = ['claude-cli', 'codex', 'GeminiCLI', null]
/** A team's traffic clusters: most records come from a few (provider, model, user, project,
 *  program) profiles; `mixed` of them (default 0.1) pick each field at random. */
const PROFILES = [
  ['anthropic', 'claude-sonnet-4-5', 'alice', 'billing-bot', 'claude-cli'],
  ['anthropic', 'claude-haiku-4-5', 'alice', null, 'claude-cli'],
  ['openai', 'gpt-5', 'bob', 'search', 'codex'],
  ['openai', 'gpt-5', 'carol', null, 'codex'],
  ['google', 'gemini-2.5-pro', 'carol', 'search', 'GeminiCLI'],
  ['bedrock', 'claude-sonnet-4-5', null, null, null],
  ['anthropic', null, 'bob', 'billing-bot', null],
  ['openai', 'gpt-5', 'alice', 'billing-bot', null],
] as const
const OUTCOMES = ['ok', 'ok', 'ok', 'ok', 'upstream_error', 'aborted', 'failed'] as const
const SOURCES = ['provider', 'provider', 'partial', 'estimated', 'none'] as const

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
}

export function makeRecords(n: number, opts: RecordOptions = {}): UsageRecord[] {
  const rand = rng(opts.seed ?? 1)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const maybe = (max: number): number | null => (rand() < 0.15 ? null : Math.floor(rand() * max))
  const start = opts.startMs ?? Date.parse('2026-01-15T10:00:00Z')
  const span = opts.spanMs ?? 3 * 3600_000
  const out: UsageRecord[] = []
  const mixed = opts.mixed ?? 0.1
  for (let i = 0; i < n; i++) {
    const prof = pick(PROFILES)
    const random = rand() < mixed
    const provider = random ? pick(PROVIDERS) : prof[0]
    const input = maybe(20_000)
    const output = maybe(4_000)
    const outcome = pick(OUTCOMES)
    // Billed units on every tenth record (from i, so the random spread above is unchanged);
    // every twentieth also fetched a page, a unit without a price (partially priced when priced).
    const fetched = i % 20 === 0
    const units: BilledUnits | null =
      i % 10 === 0
        ? {
            web_searches: 1 + (i % 3),
            input_audio_tokens: 10 * (i % 7),
            ...(fetched ? { output_audio_tokens: 3 + (i % 5), web_fetches: 1 } : {}),
          }
        : null
    out.push({
      id: Bun.randomUUIDv7(),
      startedAt: new Date(start + Math.floor((i / Math.max(1, n)) * span)).toISOString(),
      durationMs: Math.floor(rand() * 30_000),
      ttfbMs: rand() < 0.1 ? null : Math.floor(rand() * 2000),
      provider,
      host: `api.${provider}.example`,
      method: 'POST',
      path: '/v1/messages',
      endpoint: rand() < 0.1 ? null : 'messages',
      model: random ? pick(MODELS) : prof[1],
      stream: rand() < 0.7,
      transport: rand() < 0.9 ? 'http' : 'websocket',
      status: outcome === 'ok' ? 200 : outcome === 'upstream_error' ? 529 : null,
      outcome,
      usageSource: pick(SOURCES),
      billable: rand() < 0.95,
      responseId: `msg_${i}`,
      user: random ? pick(USERS) : prof[2],
      project: random ? pick(PROJECTS) : prof[3],
      program: random ? pick(PROGRAMS) : prof[4],
      session: i % 4 === 0 ? null : `run-${i % 5}`,
      // A third of a session's records from one of two sub-agents (no rand(): the spread of
      // every other field stays as it was).
      agent: i % 4 !== 0 && i % 3 === 0 ? `agent-${i % 2}` : null,
      agentType: i % 4 !== 0 && i % 3 === 0 ? (i % 2 === 0 ? 'general-purpose' : 'Explore') : null,
      // Every third record on a subscription, a few without a credential (no rand() drawn, so
      // the other fields stay as they were for a seed).
      billingKind: i % 3 === 0 ? 'subscription' : i % 11 === 0 ? 'unknown' : 'api_key',
      account: i % 11 === 0 ? null : `acct${(i % 3 === 0 ? 'sub' : 'key').padEnd(8, '0')}${i % 4}`,
      requestBytes: Math.floor(rand() * 200_000),
      responseBytes: Math.floor(rand() * 50_000),
      error: outcome === 'ok' ? null : `upstream said "no" (${i})`,
      parseError: null,
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: maybe(100_000),
      cacheWrite5mTokens: maybe(10_000),
      cacheWrite1hTokens: maybe(5_000),
      reasoningTokens: maybe(2_000),
      rawUsage: { input_tokens: input, output_tokens: output, note: 'quote " comma , nl \n' },
      // At most 8 decimals, as cost_usd numeric(14,8) stores them: reads back equal.
      costUsd: rand() < 0.6 ? Math.round(rand() * 2e8) / 1e8 : null,
      credits: rand() < 0.05 ? Math.round(rand() * 1000) / 100 : null,
      priceSource: rand() < 0.6 ? 'genai-prices' : 'unpriced',
      priceVersion: rand() < 0.6 ? '2026-01-01' : null,
      serviceTier: units === null ? null : 'standard',
      inferenceGeo: null,
      speed: null,
      units,
      subUsage: null,
      ...unitColumns(units),
      unpricedUnits: fetched ? ['web_fetches'] : null,
    })
  }
  return out
}
