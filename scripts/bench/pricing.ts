// Pricing micro benchmark: µs per record for the pricer over a mix of realistic records
// (Anthropic with cache writes, OpenAI, Gemini, Bedrock profile, an unknown model), warm cache,
// then over records with billed units (web searches, audio tokens, a flex tier, iterations).
// `bun scripts/bench/pricing.ts [records]`. Speed lives here, never in tests.

import { createPricer, type PriceInput } from '@tokentap/proxy/pricing'

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

const iteration = (kind: string, input: number, output: number) => ({
  kind,
  model: kind === 'advisor_message' ? 'claude-opus-4-8' : null,
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
})

const UNITS: PriceInput[] = [
  { ...base, units: { web_searches: 3, web_fetches: 1 }, serviceTier: 'standard' },
  {
    ...base,
    model: 'claude-opus-4-6',
    inferenceGeo: 'us',
    subUsage: [iteration('advisor_message', 900, 80)],
  },
  {
    ...base,
    inputTokens: 30_000,
    subUsage: [iteration('compaction', 20_000, 300), iteration('message', 10_000, 500)],
  },
  { ...base, provider: 'openai', model: 'gpt-5', serviceTier: 'flex', units: { web_searches: 2 } },
  {
    ...base,
    provider: 'openai',
    model: 'gpt-realtime',
    units: { input_audio_tokens: 900, cache_audio_read_tokens: 400 },
  },
  {
    ...base,
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    units: { input_audio_tokens: 800, web_searches: 1 },
  },
]

function run(label: string, mix: PriceInput[], n: number): void {
  const pricer = createPricer()
  let sink = 0
  for (let i = 0; i < 5000; i++) sink += pricer.price(mix[i % mix.length]!).costUsd ?? 0
  const t0 = Bun.nanoseconds()
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < n; i++) sink += pricer.price(mix[i % mix.length]!).costUsd ?? 0
  const cpu = process.cpuUsage(cpu0)
  const wall = (Bun.nanoseconds() - t0) / 1000 / n
  // CPU time is steadier than wall time when other processes share the cores.
  const cpuUs = (cpu.user + cpu.system) / n
  console.log(
    `${label}: ${cpuUs.toFixed(2)} µs/record CPU (${wall.toFixed(2)} wall) over ${n} records, checksum ${sink.toFixed(2)}`,
  )
}

const n = Number(process.argv[2] ?? 200_000)
run('pricing', MIX, n)
run('pricing with billed units', UNITS, n)
