// End-to-end replay of dialect fixtures through the real proxy: a TLS mock serves each fixture's
// captured response at its host and path, the client sends the fixture's request through the
// proxy, and we assert the client got the exact bytes and the record matches the fixture.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { ExchangeMeta, ParsedUsage } from '@tokentap/shared'
import { amazonQFixtures } from '../src/providers/bedrock/testing/amazon-q.ts'
import { bedrockJsonFixtures } from '../src/providers/bedrock/testing/bedrock-json.ts'
import { bedrockStreamFixtures } from '../src/providers/bedrock/testing/bedrock-streams.ts'
import { geminiFixtures } from '../src/providers/gemini/testing/fixtures.ts'
import { vertexClaudeFixtures } from '../src/providers/gemini/testing/vertex-claude.ts'
import { responsesFixtures } from '../src/providers/openai/testing/responses.ts'
import type { ReplayExchange } from '../src/providers/testing/replay.ts'
import { type MockHosts, startMockHosts } from './helpers/mock-hosts.ts'
import { type Harness, startProxy } from './helpers/proxy-harness.ts'

interface AnyFixture {
  name: string
  meta: ExchangeMeta
  exchange: ReplayExchange
  expected: ParsedUsage
}

function pick(list: AnyFixture[], prefix: string): AnyFixture {
  const f = list.find((x) => x.name.startsWith(prefix))
  if (!f) throw new Error(`no fixture named "${prefix}…"`)
  return f
}

const FIXTURES: AnyFixture[] = [
  pick(bedrockJsonFixtures, 'Converse JSON'),
  pick(bedrockStreamFixtures, 'InvokeModelWithResponseStream for Claude'),
  pick(bedrockStreamFixtures, 'ConverseStream'),
  pick(amazonQFixtures, 'Kiro generateAssistantResponse'),
  pick(amazonQFixtures, 'Q Developer awsJson style'),
  pick(geminiFixtures, 'alt=sse stream: cumulative'),
  pick(geminiFixtures, 'Vertex streamGenerateContent without alt'),
  pick(geminiFixtures, 'generateContent answered 429'),
  pick(vertexClaudeFixtures, 'Claude on Vertex rawPredict'),
  pick(responsesFixtures, 'Responses SSE: deltas skipped'),
]

const KEYS = [
  'provider',
  'endpoint',
  'model',
  'stream',
  'usageSource',
  'billable',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
  'responseId',
  'credits',
] as const

const encoder = new TextEncoder()
const bytes = (b: string | Uint8Array | undefined): Uint8Array =>
  typeof b === 'string' ? encoder.encode(b) : (b ?? new Uint8Array(0))

let mock: MockHosts
let proxy: Harness
let proxyCa: string

beforeAll(async () => {
  mock = await startMockHosts(FIXTURES.map((f) => f.meta.host))
  for (const f of FIXTURES) {
    const body = bytes(f.exchange.responseBody)
    const isStream = f.expected.stream
    mock.serve(f.meta.host, f.meta.method, f.meta.path, {
      status: f.exchange.status ?? 200,
      headers: { ...f.exchange.headers },
      body,
      chunks: isStream ? 4 : 1,
    })
  }
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  proxyCa = await Bun.file(proxy.caPath).text()
})

afterAll(async () => {
  await proxy?.stop()
  await mock?.stop()
})

describe('dialect fixtures replayed through the proxy', () => {
  test.each(FIXTURES.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const before = proxy.sink.records.length
    const requestBody = f.exchange.requestBody
    const res = await fetch(`https://${f.meta.host}${f.meta.path}`, {
      method: f.meta.method,
      headers: { ...f.meta.requestHeaders },
      ...(requestBody === undefined ? {} : { body: bytes(requestBody) }),
      proxy: proxy.proxyUrl,
      tls: { ca: proxyCa },
    })
    const status = f.exchange.status ?? 200
    expect(res.status).toBe(status)
    const ct = f.exchange.headers?.['content-type']
    if (ct) expect(res.headers.get('content-type')).toBe(ct)
    const got = new Uint8Array(await res.arrayBuffer())
    expect(Buffer.from(got).equals(Buffer.from(bytes(f.exchange.responseBody)))).toBe(true)

    const upstream = mock.seen.findLast((r) => r.host === f.meta.host && r.path === f.meta.path)
    expect(upstream?.method).toBe(f.meta.method)
    expect(Buffer.from(upstream?.body ?? []).equals(Buffer.from(bytes(requestBody)))).toBe(true)

    const records = await proxy.sink.waitFor(before + 1)
    const rec = records.find(
      (r, i) => i >= before && r.host === f.meta.host && r.path === f.meta.path,
    )
    expect(rec).toBeDefined()
    const want = Object.fromEntries(KEYS.map((k) => [k, f.expected[k]]))
    expect(rec).toMatchObject({
      ...want,
      transport: 'http',
      status,
      outcome: status >= 200 && status < 300 ? 'ok' : 'upstream_error',
    })
  })
})
