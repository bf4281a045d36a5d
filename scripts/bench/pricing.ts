// Pricing micro benchmark: µs per record for the pricer over a mix of realistic records
// (Anthropic with cache writes, OpenAI, Gemini, Bedrock profile, an unknown model), warm cache.
// `bun scripts/bench/pricing.ts [records]`. Speed lives here, never in tests.

import { createPricer, type PriceInput } from '../../services/proxy/src/pricing/index.ts'

const base: PriceInput = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  startedAt: '2026-03-01T12:00:00.000Z',
  inputTokens: 1200,
  outputTokens: 800,
  cacheReadTokens: 40_000,
  cacheWrite5mTokens: 2000,
  cacheWrite1hTokens: 0,
  reasoningTokens: 300,
  credits: null,
  billable: true,
}

const MIX: PriceInput[] = [
  base,
  { ...base, model: 'claude-opus-4-6', cacheWrite1hTokens: 5000 },
  { ...base, provider: 'openai', model: 'gpt-5', cacheWrite5mTokens: 0 },
  { ...base, provider: 'gemini', model: 'gemini-2.5-pro', cacheWrite5mTokens: 0 },
  { ...base, provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  { ...base, provider: 'openai', model: 'gpt-99-unknown' },
]

const n = Number(process.argv[2] ?? 200_000)
const pricer = createPricer()
let sink = 0
for (let i = 0; i < 5000; i++) sink += pricer.price(MIX[i % MIX.length]!).costUsd ?? 0
const t0 = Bun.nanoseconds()
for (let i = 0; i < n; i++) sink += pricer.price(MIX[i % MIX.length]!).costUsd ?? 0
const us = (Bun.nanoseconds() - t0) / 1000 / n
console.log(`pricing: ${us.toFixed(2)} µs/record over ${n} records (checksum ${sink.toFixed(2)})`)
