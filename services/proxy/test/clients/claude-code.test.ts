// The real Claude Code CLI (`claude -p`, native binary from @anthropic-ai/claude-code's platform
// package) through the proxy, configured as a user would: HTTPS_PROXY, NODE_EXTRA_CA_CERTS, an API
// key. Its turn is a streamed POST /v1/messages?beta=true with thinking and tools; its side calls
// (settings, policy limits) must be recorded as non-billable, the turn with the mock's numbers.
// Its session id (X-Claude-Code-Session-Id) and, for a sub-agent started with the Agent tool,
// the agent's id and kind are recorded and reach the upstream unchanged.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { type CliUpstream, startCliUpstream } from './cli-upstream.ts'
import {
  CLAUDE_ANSWER,
  CLAUDE_USAGE,
  claudeStream,
  claudeToolUseStream,
  notFound,
  TOOL_TURN_USAGE,
} from './fixtures/anthropic.ts'
import { PROGRAM } from './programs.ts'
import { claudeBinary, describeRun, runCli, tempDir, trustBundle } from './run-cli.ts'

const HOST = 'api.anthropic.com'
const SUBAGENT_PROMPT = 'delegate this to a sub-agent'
/** Claude subscription windows (as Claude Code reads them): 5-hour at 83 %, 7-day at 41 %. */
const RESET_5H = 1_900_000_000
const SUBSCRIPTION_LIMITS = {
  'anthropic-ratelimit-unified-status': 'allowed_warning',
  'anthropic-ratelimit-unified-reset': String(RESET_5H),
  'anthropic-ratelimit-unified-representative-claim': 'five_hour',
  'anthropic-ratelimit-unified-5h-utilization': '0.83',
  'anthropic-ratelimit-unified-5h-reset': String(RESET_5H),
  'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
  'anthropic-ratelimit-unified-7d-utilization': '0.41',
  'anthropic-ratelimit-unified-7d-reset': String(RESET_5H + 3 * 86_400),
  'anthropic-ratelimit-unified-7d-status': 'allowed',
}
/** An API key's per-minute buckets (documented headers). */
const API_KEY_LIMITS = {
  'anthropic-ratelimit-requests-limit': '50',
  'anthropic-ratelimit-requests-remaining': '49',
  'anthropic-ratelimit-requests-reset': '2030-03-17T17:47:00Z',
  'anthropic-ratelimit-tokens-limit': '80000',
  'anthropic-ratelimit-tokens-remaining': '62000',
  'anthropic-ratelimit-tokens-reset': '2030-03-17T17:47:00Z',
}
const bin = claudeBinary()
const title = bin
  ? 'Claude Code through the proxy'
  : `Claude Code (skipped: no native binary for ${process.platform}-${process.arch} in node_modules)`

let mock: CliUpstream
let proxy: Harness

/** Runs `claude -p hi` as a user would; returns what the mock saw and the records of this run. */
async function runClaude(
  extra: { proxyUrl?: string; env?: Record<string, string>; args?: string[] } = {},
) {
  const home = tempDir('tt-claude-home-')
  const seenBefore = mock.seen.length
  const recordsBefore = proxy.sink.records.length
  try {
    const run = await runCli([bin!, ...(extra.args ?? ['-p', 'hi'])], {
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
    mock.on(HOST, 'POST /v1/messages', (req, body) => {
      const request = JSON.parse(body) as { model: string; stream?: boolean }
      if (request.stream !== true) {
        return Response.json({ error: 'the mock streams only' }, { status: 400 })
      }
      const sse = {
        'content-type': 'text/event-stream; charset=utf-8',
        'request-id': 'req_mock_1',
        // The account's standing, as Anthropic answers an API key or a Claude sign-in.
        ...(req.headers.get('authorization')?.startsWith('Bearer sk-ant-oat') === true
          ? SUBSCRIPTION_LIMITS
          : API_KEY_LIMITS),
      }
      // The sub-agent prompt: the main thread's first turn starts one with the Agent tool; the
      // sub-agent and every later turn answer.
      if (
        body.includes(SUBAGENT_PROMPT) &&
        !req.headers.has('x-claude-code-agent-id') &&
        !body.includes('"tool_result"')
      ) {
        const input = { description: 'greet', prompt: 'say hi', subagent_type: 'general-purpose' }
        return new Response(claudeToolUseStream(request.model, 'msg_01Spawn', 'Agent', input), {
          headers: sse,
        })
      }
      return new Response(claudeStream(request.model, 'msg_01CliMockTurn'), { headers: sse })
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
    // Its own session id, recorded below and forwarded as sent.
    const session = turn.headers['x-claude-code-session-id']
    expect(session).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(turn.headers['x-claude-code-agent-id']).toBeUndefined()

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
      session,
      agent: null,
      agentType: null,
    })

    // Billed to the API key; the account is a fingerprint, never the key.
    const account = model[0]!.account
    expect(model[0]!.billingKind).toBe('api_key')
    expect(account).toMatch(/^[0-9a-f]{20}$/)
    expect(JSON.stringify(records)).not.toContain('sk-ant-api03-test')
    const limits = proxy.sink.limits.get(model[0]!.id)
    expect(limits?.windows.requests).toMatchObject({ limit: 50, remaining: 49, unit: 'requests' })
    expect(limits?.windows.tokens?.used).toBeCloseTo(0.225, 10)

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
        // Side calls carry no session header.
        session: null,
      })
    }
    expect(side.find((r) => r.path.endsWith('policy_limits'))).toMatchObject({
      status: 200,
      outcome: 'ok',
    })
  }, 90_000)

  test('signed in (CLAUDE_CODE_OAUTH_TOKEN): covered by the subscription, its windows read', async () => {
    const token = 'sk-ant-oat01-tokentap-test-oauth-token-0123456789'
    const { stdout, seen, records } = await runClaude({
      env: { ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: token },
    })
    expect(stdout).toContain(CLAUDE_ANSWER)
    const turn = seen.find((s) => s.path.startsWith('/v1/messages'))!
    expect(turn.headers.authorization).toBe(`Bearer ${token}`)
    expect(turn.headers['x-api-key']).toBeUndefined()
    expect(turn.headers['anthropic-beta']).toContain('oauth-2025-04-20')
    const model = records.filter((r) => r.billable)
    expect(model).toHaveLength(1)
    expect(model[0]).toMatchObject({ billingKind: 'subscription', status: 200 })
    expect(model[0]!.account).toMatch(/^[0-9a-f]{20}$/)
    expect(JSON.stringify(records)).not.toContain(token)
    const limits = proxy.sink.limits.get(model[0]!.id)
    expect(limits?.status).toBe('allowed_warning')
    expect(limits?.windows['unified-5h']).toMatchObject({
      used: 0.83,
      minutes: 300,
      resetAt: new Date(RESET_5H * 1000).toISOString(),
      status: 'allowed_warning',
    })
    expect(limits?.windows['unified-7d']?.used).toBe(0.41)
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
  test('a sub-agent (Agent tool): its turn carries its id and kind, the session is one', async () => {
    const { stdout, seen, records } = await runClaude({
      args: ['-p', SUBAGENT_PROMPT, '--allowedTools', 'Agent'],
    })
    expect(stdout).toContain(CLAUDE_ANSWER)
    const turns = seen.filter((s) => s.path.startsWith('/v1/messages'))
    const sub = turns.filter((s) => s.headers['x-claude-code-agent-id'] !== undefined)
    expect(sub).toHaveLength(1)
    const agent = sub[0]!.headers['x-claude-code-agent-id']!
    expect(agent).toMatch(/^[0-9a-z]{8,64}$/)
    expect(sub[0]!.headers['x-claude-code-agent-type']).toBe('general-purpose')
    const sessions = new Set(turns.map((s) => s.headers['x-claude-code-session-id']))
    expect(sessions.size).toBe(1)
    const [session] = sessions

    const billable = records.filter((r) => r.billable)
    expect(billable).toHaveLength(turns.length)
    for (const r of billable) expect(r.session).toBe(session)
    const bySub = billable.filter((r) => r.agent !== null)
    expect(bySub).toHaveLength(1)
    expect(bySub[0]).toMatchObject({
      agent,
      agentType: 'general-purpose',
      outputTokens: CLAUDE_USAGE.output_tokens,
    })
    // The main thread: the spawning turn (tool call) and the answers after it.
    const main = billable.filter((r) => r.agent === null)
    expect(main.every((r) => r.agentType === null)).toBe(true)
    expect(main.map((r) => r.outputTokens)).toContain(TOOL_TURN_USAGE.output_tokens)
  }, 90_000)
})
