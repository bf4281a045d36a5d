// The real Codex CLI (`codex exec`, native binary from @openai/codex's platform package) through
// the proxy: CODEX_API_KEY, CODEX_CA_CERTIFICATE, HTTPS_PROXY. Its turn goes over the Responses
// WebSocket (a `generate: false` warm-up, then the turn); when the upgrade is refused it falls back
// to a streamed POST /v1/responses. Side calls to chatgpt.com must be recorded as non-billable;
// api.github.com and ab.chatgpt.com are not LLM hosts and are tunnelled unrecorded.
// Its session (`session-id`, on the upgrade and on HTTP) is recorded on every record of the run;
// a spawned sub-agent's turn also carries its thread and kind (`x-openai-subagent`).

import { describe, expect, test } from 'bun:test'
import type { UsageRecord } from '@tokentap/shared'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { type CliUpstream, startCliUpstream } from './cli-upstream.ts'
import {
  CALL_USAGE,
  CODEX_ANSWER,
  CODEX_USAGE,
  functionCallEvents,
  responseEvents,
  sseBody,
} from './fixtures/openai-responses.ts'
import { PROGRAM } from './programs.ts'
import { codexBinary, describeRun, runCli, tempDir, trustBundle } from './run-cli.ts'

const API = 'api.openai.com'
const INTERCEPTED = new Set([API, 'chatgpt.com'])
const HOSTS = [API, 'chatgpt.com', 'ab.chatgpt.com', 'api.github.com', 'github.com']
const bin = codexBinary()
const title = bin
  ? 'Codex CLI through the proxy'
  : `Codex CLI (skipped: no native binary for ${process.platform}-${process.arch} in node_modules)`

/** The turn's record, as the Responses usage normalises: cached tokens split out of the input. */
const TURN_TOKENS = {
  inputTokens: CODEX_USAGE.input_tokens - CODEX_USAGE.input_tokens_details.cached_tokens,
  outputTokens: CODEX_USAGE.output_tokens,
  cacheReadTokens: CODEX_USAGE.input_tokens_details.cached_tokens,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: CODEX_USAGE.output_tokens_details.reasoning_tokens,
}

interface Setup {
  mock: CliUpstream
  proxy: Harness
  wsClosed: Promise<void>
}

async function withCodex(
  opts: { websocket: boolean; wsDeflate: boolean; credentials?: string; subagent?: boolean },
  body: (s: Setup, run: () => Promise<string>) => Promise<void>,
): Promise<void> {
  const mock = await startCliUpstream(HOSTS, { wsDeflate: opts.wsDeflate })
  const proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  const home = tempDir('tt-codex-home-')
  const work = tempDir('tt-codex-work-')
  let closed: () => void = () => {}
  const wsClosed = new Promise<void>((r) => {
    closed = r
  })
  mock.onWs(API, '/v1/responses', {
    accept: () => opts.websocket,
    message(text, send) {
      const create = JSON.parse(text) as { type: string; model: string; generate?: boolean }
      if (create.type !== 'response.create') return
      const warmup = create.generate === false
      const id = warmup ? 'resp_mock_warmup' : 'resp_mock_turn'
      for (const ev of responseEvents(id, create.model, warmup)) send(JSON.stringify(ev))
    },
    close: () => closed(),
  })
  mock.on(API, 'POST /v1/responses', (req, raw) => {
    const create = JSON.parse(raw) as { model: string; stream?: boolean }
    if (create.stream !== true)
      return Response.json({ error: 'mock streams only' }, { status: 400 })
    return new Response(sseBody(httpTurn(create.model, raw, req.headers, opts.subagent)), {
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    })
  })
  const run = async (): Promise<string> => {
    const prompt = opts.subagent ? 'spawn a helper' : 'hi'
    const result = await runCli([bin!, 'exec', '--skip-git-repo-check', prompt], {
      cwd: work.path,
      timeoutMs: 60_000,
      env: {
        HOME: home.path,
        CODEX_HOME: home.path,
        HTTPS_PROXY: opts.credentials
          ? proxy.proxyUrl.replace('http://', `http://${opts.credentials}@`)
          : proxy.proxyUrl,
        CODEX_CA_CERTIFICATE: trustBundle(home.path, proxy.caPath, mock.caPath),
        CODEX_API_KEY: 'sk-test-codex',
      },
    })
    if (result.code !== 0) throw new Error(describeRun('codex', result))
    return result.stdout
  }
  try {
    await body({ mock, proxy, wsClosed }, run)
  } finally {
    await proxy.stop()
    await mock.stop()
    home.remove()
    work.remove()
  }
}

/**
 * The answer to one HTTP turn. With `subagent`, the main thread's first turn spawns a helper
 * (spawn_agent), its next waits for it (wait_agent), and every other turn, the helper's
 * included (`x-openai-subagent`), answers.
 */
function httpTurn(model: string, raw: string, headers: Headers, subagent = false): object[] {
  if (!subagent || headers.has('x-openai-subagent')) {
    return responseEvents('resp_mock_http', model, false)
  }
  if (!raw.includes('"call_spawn_agent"')) {
    return functionCallEvents('resp_spawn', model, 'spawn_agent', {
      message: 'say hi',
      task_name: 'helper',
    })
  }
  if (!raw.includes('"call_wait_agent"')) {
    return functionCallEvents('resp_wait', model, 'wait_agent', { timeout_ms: 30_000 })
  }
  return responseEvents('resp_mock_http', model, false)
}

/** Waits for one record per intercepted HTTP request plus `more`. */
async function recordsFor(s: Setup, more: number): Promise<UsageRecord[]> {
  const http = s.mock.seen.filter((r) => INTERCEPTED.has(r.host) && r.method !== 'WS').length
  return s.proxy.sink.waitFor(http + more, 10_000)
}

function expectSideCalls(records: UsageRecord[]): void {
  const side = records.filter((r) => r.host !== API)
  expect(side.length).toBeGreaterThan(0)
  for (const r of side) {
    expect(r).toMatchObject({
      host: 'chatgpt.com',
      billable: false,
      model: null,
      inputTokens: null,
      costUsd: 0,
      program: PROGRAM.codex,
    })
  }
  expect(side.map((r) => r.endpoint)).toContain('/backend-api/codex/models')
  // Not LLM hosts: tunnelled blind, never recorded.
  for (const r of records) expect(INTERCEPTED.has(r.host)).toBe(true)
}

/** Exactly the warm-up (not billable, zero) and the turn (exact usage) on the WebSocket. */
async function expectWsRecords(s: Setup, model: string): Promise<void> {
  await s.wsClosed
  const records = await recordsFor(s, 2)
  const ws = records.filter((r) => r.transport === 'websocket')
  const base = {
    provider: 'openai',
    host: API,
    path: '/v1/responses',
    endpoint: 'responses',
    model,
    stream: true,
    status: 101,
    outcome: 'ok',
    usageSource: 'provider',
    parseError: null,
    program: PROGRAM.codex,
  }
  expect(ws).toHaveLength(2)
  expect(ws[0]).toMatchObject({
    ...base,
    responseId: 'resp_mock_warmup',
    billable: false,
    inputTokens: 0,
    outputTokens: 0,
  })
  expect(ws[1]).toMatchObject({
    ...base,
    responseId: 'resp_mock_turn',
    billable: true,
    ...TURN_TOKENS,
  })
  expectSideCalls(records)
}

describe.skipIf(!bin)(title, () => {
  test('codex exec over the Responses WebSocket: warm-up not billable, turn with exact usage', async () => {
    await withCodex({ websocket: true, wsDeflate: false }, async (s, run) => {
      expect(await run()).toContain(CODEX_ANSWER)
      const upgrade = s.mock.seen.find((r) => r.method === 'WS')!
      expect(upgrade.path).toBe('/v1/responses')
      expect(upgrade.headers['openai-beta']).toMatch(/^responses_websockets=/)
      expect(upgrade.headers.authorization).toBe('Bearer sk-test-codex')
      expect(upgrade.headers['user-agent']).toMatch(/^codex_exec\/\d+\.\d+\.\d+ /)
      const session = upgrade.headers['session-id']
      expect(session).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      const creates = s.mock.wsLog
        .filter((m) => m.direction === 'client')
        .map((m) => JSON.parse(m.text) as { type: string; model: string; generate?: boolean })
      expect(creates.map((c) => [c.type, c.generate])).toEqual([
        ['response.create', false],
        ['response.create', undefined],
      ])

      await expectWsRecords(s, creates[0]!.model)
      // Read from the upgrade request, it applies to each response on the socket.
      const ws = s.proxy.sink.records.filter((r) => r.transport === 'websocket')
      expect(ws.map((r) => [r.session, r.agent, r.agentType])).toEqual([
        [session, null, null],
        [session, null, null],
      ])
    })
  }, 90_000)

  test('codex exec falls back to HTTP SSE when the WebSocket upgrade is refused', async () => {
    await withCodex({ websocket: false, wsDeflate: false }, async (s, run) => {
      expect(await run()).toContain(CODEX_ANSWER)
      const posts = s.mock.seen.filter((r) => r.host === API && r.method === 'POST')
      expect(posts.map((r) => r.path)).toEqual(['/v1/responses'])
      const sent = JSON.parse(posts[0]!.body) as { model: string; stream: boolean }
      expect(sent.stream).toBe(true)

      // Each refused upgrade is an HTTP exchange of its own.
      const records = await recordsFor(s, s.mock.seen.filter((r) => r.method === 'WS').length)
      const api = records.filter((r) => r.host === API)
      // The refused upgrade (a GET answered 426) carries no usage.
      const refused = api.filter((r) => r.method === 'GET')
      expect(refused.length).toBeGreaterThan(0)
      for (const r of refused) {
        expect(r).toMatchObject({ status: 426, outcome: 'upstream_error', inputTokens: null })
      }
      const turn = api.filter((r) => r.method === 'POST')
      expect(turn).toHaveLength(1)
      expect(turn[0]).toMatchObject({
        provider: 'openai',
        path: '/v1/responses',
        endpoint: 'responses',
        model: sent.model,
        stream: true,
        transport: 'http',
        status: 200,
        outcome: 'ok',
        billable: true,
        usageSource: 'provider',
        responseId: 'resp_mock_http',
        parseError: null,
        program: PROGRAM.codex,
        ...TURN_TOKENS,
      })
      expectSideCalls(records)
    })
  }, 90_000)

  test('permessage-deflate (as Codex offers it) and proxy credentials: turn, user, project', async () => {
    const opts = { websocket: true, wsDeflate: true, credentials: 'bob+api:local-token' }
    await withCodex(opts, async (s, run) => {
      expect(await run()).toContain(CODEX_ANSWER)
      const upgrade = s.mock.seen.find((r) => r.method === 'WS')!
      expect(upgrade.headers['sec-websocket-extensions']).toContain('permessage-deflate')
      await s.wsClosed
      const records = await recordsFor(s, 2)
      const turn = records.find((r) => r.responseId === 'resp_mock_turn')
      expect(turn).toMatchObject({
        provider: 'openai',
        transport: 'websocket',
        billable: true,
        usageSource: 'provider',
        program: PROGRAM.codex,
        ...TURN_TOKENS,
      })
      // The credentials ride on every CONNECT, the WebSocket's included; never upstream.
      for (const r of records) expect([r.user, r.project]).toEqual(['bob', 'api'])
      for (const r of s.mock.seen) expect(r.headers['proxy-authorization']).toBeUndefined()
    })
  }, 90_000)

  // Codex's compressed `response.create` (~68 KB) is inflated asynchronously; the reply must
  // still reach the parser after it (ws/ keeps arrival order across both directions), else a
  // warm-up would turn billable and the late request become an extra record. Three runs: the
  // race showed in 4 of 6 before the fix.
  test('permessage-deflate: exactly one record per response, warm-up not billable, no extra record', async () => {
    for (let i = 0; i < 3; i++) {
      await withCodex({ websocket: true, wsDeflate: true }, async (s, run) => {
        expect(await run()).toContain(CODEX_ANSWER)
        const first = JSON.parse(s.mock.wsLog[0]!.text) as { model: string }
        await expectWsRecords(s, first.model)
      })
    }
  }, 240_000)
  test('a spawned sub-agent (spawn_agent): its turn carries its thread and kind, one session', async () => {
    await withCodex({ websocket: false, wsDeflate: false, subagent: true }, async (s, run) => {
      expect(await run()).toContain(CODEX_ANSWER)
      const posts = s.mock.seen.filter((r) => r.host === API && r.method === 'POST')
      const sub = posts.filter((r) => r.headers['x-openai-subagent'] !== undefined)
      expect(sub).toHaveLength(1)
      const session = posts[0]!.headers['session-id']
      expect(session).toBeDefined()
      expect(new Set(posts.map((r) => r.headers['session-id']))).toEqual(new Set([session]))
      const thread = sub[0]!.headers['thread-id']!
      expect(thread).not.toBe(session)
      expect(sub[0]!.headers).toMatchObject({
        'x-openai-subagent': 'collab_spawn',
        'x-codex-parent-thread-id': session,
      })

      const records = await recordsFor(s, s.mock.seen.filter((r) => r.method === 'WS').length)
      const turns = records.filter((r) => r.host === API && r.method === 'POST')
      expect(turns).toHaveLength(posts.length)
      for (const r of turns) expect(r.session).toBe(session)
      expect(turns.filter((r) => r.agent !== null)).toEqual([
        expect.objectContaining({ agent: thread, agentType: 'collab_spawn', ...TURN_TOKENS }),
      ])
      // The main thread: spawn, wait (function calls), then the answer.
      const main = turns.filter((r) => r.agent === null)
      expect(main.map((r) => r.outputTokens).sort()).toEqual(
        [CALL_USAGE.output_tokens, CALL_USAGE.output_tokens, CODEX_USAGE.output_tokens].sort(),
      )
      // Refused upgrades carry the ids too (the helper's names its thread).
      const upgrades = records.filter((r) => r.host === API && r.method === 'GET')
      expect(upgrades.every((r) => r.session === session)).toBe(true)
      expect(upgrades.some((r) => r.agent === thread)).toBe(true)
    })
  }, 90_000)
})
