// The real Claude Code CLI (`claude -p`, native binary from @anthropic-ai/claude-code's platform
// package) through the proxy, configured as a user would: HTTPS_PROXY, NODE_EXTRA_CA_CERTS, an API
// key. Its turn is a streamed POST /v1/messages?beta=true with thinking and tools; its side calls
// (settings, policy limits) must be recorded as non-billable, the turn with the mock's numbers.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { type CliUpstream, startCliUpstream } from './cli-upstream.ts'
import { CLAUDE_ANSWER, CLAUDE_USAGE, claudeStream, notFound } from './fixtures/anthropic.ts'
import { PROGRAM } from './programs.ts'
import { claudeBinary, describeRun, runCli, tempDir, trustBundle } from './run-cli.ts'

const HOST = 'api.anthropic.com'
const bin = claudeBinary()
const title = bin
  ? 'Claude Code through the proxy'
  : `Claude Code (skipped: no native binary for ${process.platform}-${process.arch} in node_modules)`

let mock: CliUpstream
let proxy: Harness

/** Runs `claude -p hi` as a user would; returns what the mock saw and the records of this run. */
async function runClaude(extra: { proxyUrl?: string; env?: Record<string, string> } = {}) {
  const home = tempDir('tt-claude-home-')
  const seenBefore = mock.seen.length
  const recordsBefore = proxy.sink.records.length
  try {
    const run = await runCli([bin!, '-p', 'hi'], {
      cwd: home.path,
      timeoutMs: 60_000,
      env: {
        HOME: home.path,
        HTTPS_PROXY: extra.proxyUrl ?? proxy.proxyUrl,
        NODE_EXTRA_CA_CERTS: trustBundle(home.path, proxy.caPath, mock.caPath),
        ANTHROPIC_API_KEY: 'sk-ant-api03-test',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        ...extra.env,
      },
    })
    if (run.code !== 0) throw new Error(describeRun('claude', run))
    const seen = mock.seen.slice(seenBefore)
    // Every intercepted request yields one record.
    const all = await proxy.sink.waitFor(recordsBefore + seen.length, 10_000)
    return { stdout: run.stdout, seen, records: all.slice(recordsBefore) }
  } finally {
    home.remove()
  }
}

describe.skipIf(!bin)(title, () => {
  beforeAll(async () => {
    mock = await startCliUpstream([HOST])
    proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
    mock.on(HOST, 'POST /v1/messages', (_req, body) => {
      const request = JSON.parse(body) as { model: string; stream?: boolean }
      if (request.stream !== true) {
        return Response.json({ error: 'the mock streams only' }, { status: 400 })
      }
      return new Response(claudeStream(request.model, 'msg_01CliMockTurn'), {
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': 'req_mock_1' },
      })
    })
    // An organisation without policy restrictions; no remote managed settings (404).
    mock.on(HOST, 'GET /api/claude_code/policy_limits', () => Response.json({ restrictions: {} }))
    mock.on(HOST, 'GET /api/claude_code/settings', notFound)
  })

  afterAll(async () => {
    await proxy?.stop()
    await mock?.stop()
  })

  test('claude -p: answer printed, turn recorded with exact usage, side calls not billable', async () => {
    const { stdout, seen, records } = await runClaude()
    expect(stdout).toContain(CLAUDE_ANSWER)
    expect(seen.every((s) => s.host === HOST)).toBe(true)
    const turns = seen.filter((s) => s.path.startsWith('/v1/messages'))
    expect(turns.map((s) => s.path)).toEqual(['/v1/messages?beta=true'])
    const turn = turns[0]!
    const sent = JSON.parse(turn.body) as {
      model: string
      stream: boolean
      thinking?: unknown
      tools?: unknown[]
    }
    expect(sent.stream).toBe(true)
    expect(sent.thinking).toBeDefined()
    expect(sent.tools?.length).toBeGreaterThan(0)
    expect(turn.headers['x-api-key']).toBe('sk-ant-api03-test')
    expect(turn.headers['user-agent']).toMatch(/^claude-cli\/\d+\.\d+\.\d+ \(external, /)

    expect(records).toHaveLength(seen.length)
    const model = records.filter((r) => r.billable)
    expect(model).toHaveLength(1)
    expect(model[0]).toMatchObject({
      provider: 'anthropic',
      host: HOST,
      method: 'POST',
      path: '/v1/messages?beta=true',
      endpoint: 'messages',
      model: sent.model,
      stream: true,
      transport: 'http',
      status: 200,
      outcome: 'ok',
      usageSource: 'provider',
      responseId: 'msg_01CliMockTurn',
      inputTokens: CLAUDE_USAGE.input_tokens,
      outputTokens: CLAUDE_USAGE.output_tokens,
      cacheReadTokens: CLAUDE_USAGE.cache_read_input_tokens,
      cacheWrite5mTokens: CLAUDE_USAGE.cache_creation.ephemeral_5m_input_tokens,
      cacheWrite1hTokens: CLAUDE_USAGE.cache_creation.ephemeral_1h_input_tokens,
      reasoningTokens: null,
      parseError: null,
      program: PROGRAM.claudeCode,
    })

    const side = records.filter((r) => !r.billable)
    expect(side.map((r) => r.path).sort()).toEqual([
      '/api/claude_code/policy_limits',
      '/api/claude_code/settings',
    ])
    for (const r of side) {
      expect(r).toMatchObject({
        provider: 'anthropic',
        model: null,
        inputTokens: null,
        outputTokens: null,
        costUsd: 0,
        priceSource: 'free',
        program: PROGRAM.claudeCode,
      })
    }
    expect(side.find((r) => r.path.endsWith('policy_limits'))).toMatchObject({
      status: 200,
      outcome: 'ok',
    })
  }, 90_000)

  test('proxy credentials name user and project; ANTHROPIC_CUSTOM_HEADERS tag the turn only', async () => {
    const { stdout, seen, records } = await runClaude({
      proxyUrl: proxy.proxyUrl.replace('http://', 'http://alice+web:local-token@'),
      env: { ANTHROPIC_CUSTOM_HEADERS: 'X-Tokentap-Project: billing\nX-Tokentap-Session: s-42' },
    })
    expect(stdout).toContain(CLAUDE_ANSWER)
    // Neither the tags nor the proxy credentials reach the upstream.
    for (const s of seen) {
      expect(Object.keys(s.headers).filter((h) => /^(x-tokentap-|proxy-)/.test(h))).toEqual([])
    }
    expect(records.length).toBeGreaterThan(1)
    for (const r of records) {
      expect(r.user).toBe('alice')
      // Claude Code adds its custom headers to Messages API calls only.
      expect(r.project).toBe(r.billable ? 'billing' : 'web')
      expect(r.session).toBe(r.billable ? 's-42' : null)
    }
  }, 90_000)
})
