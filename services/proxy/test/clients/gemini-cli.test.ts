// The real Gemini CLI (`gemini -p`, @google/gemini-cli's Node bundle) through the proxy. It reads
// HTTPS_PROXY itself and installs undici's EnvHttpProxyAgent as the global dispatcher (Node's
// fetch alone would ignore the variable); NODE_EXTRA_CA_CERTS makes Node trust the proxy's CA.
// Two model calls per prompt, both recorded with the mock's numbers; with usage statistics on it
// also posts to play.googleapis.com, which is not an LLM host: tunnelled, never recorded.

import { describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startProxy } from '../helpers/proxy-harness.ts'
import { startCliUpstream } from './cli-upstream.ts'
import {
  GEMINI_ANSWER,
  ROUTER_USAGE,
  routerResponse,
  TURN_USAGE,
  turnStream,
} from './fixtures/gemini.ts'
import { PROGRAM } from './programs.ts'
import { describeRun, geminiEntry, runCli, tempDir, trustBundle } from './run-cli.ts'

const API = 'generativelanguage.googleapis.com'
const entry = geminiEntry()
const node = Bun.which('node')
const title =
  entry && node
    ? 'Gemini CLI through the proxy'
    : `Gemini CLI (skipped: ${entry ? 'no node on PATH' : '@google/gemini-cli not installed'})`

async function runGemini(
  usageStatistics: boolean,
  credentials?: string,
  env: Record<string, string> = {},
) {
  const mock = await startCliUpstream([API, 'play.googleapis.com'])
  const proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  mock.on(API, 'POST /v1beta/models/*', (_req, _body, path) => {
    const [, model, method] = /\/models\/([^:/]+):(\w+)$/.exec(path) ?? []
    if (!model) return Response.json({ error: { code: 404 } }, { status: 404 })
    if (method === 'streamGenerateContent') {
      return new Response(turnStream(model), {
        headers: { 'content-type': 'text/event-stream; charset=utf-8' },
      })
    }
    return Response.json(routerResponse(model))
  })
  const home = tempDir('tt-gemini-home-')
  const work = tempDir('tt-gemini-work-')
  mkdirSync(join(home.path, '.gemini'))
  writeFileSync(
    join(home.path, '.gemini', 'settings.json'),
    JSON.stringify({ privacy: { usageStatisticsEnabled: usageStatistics } }),
  )
  try {
    const run = await runCli([node!, entry!, '-p', 'hi'], {
      cwd: work.path,
      timeoutMs: 90_000,
      env: {
        HOME: home.path,
        HTTPS_PROXY: credentials
          ? proxy.proxyUrl.replace('http://', `http://${credentials}@`)
          : proxy.proxyUrl,
        NODE_EXTRA_CA_CERTS: trustBundle(home.path, proxy.caPath, mock.caPath),
        GEMINI_API_KEY: 'test-gemini-key',
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
        ...env,
      },
    })
    if (run.code !== 0) throw new Error(describeRun('gemini', run))
    const calls = mock.seen.filter((s) => s.host === API)
    const records = await proxy.sink.waitFor(calls.length, 10_000)
    return { stdout: run.stdout, seen: [...mock.seen], calls, records: [...records] }
  } finally {
    await proxy.stop()
    await mock.stop()
    home.remove()
    work.remove()
  }
}

describe.skipIf(!entry || !node)(title, () => {
  test('gemini -p: router and turn recorded with exact usage, nothing else sent', async () => {
    const r = await runGemini(false)
    expect(r.stdout).toContain(GEMINI_ANSWER)
    expect(r.seen.map((s) => s.host)).toEqual([API, API])
    const [router, turn] = r.calls
    expect(router!.path).toMatch(/^\/v1beta\/models\/[^:]+:generateContent$/)
    expect(turn!.path).toMatch(/^\/v1beta\/models\/[^:]+:streamGenerateContent\?alt=sse$/)
    for (const call of r.calls) {
      expect(call.headers['x-goog-api-key']).toBe('test-gemini-key')
      expect(call.headers['user-agent']).toMatch(/^GeminiCLI[-/]/)
    }
    const modelOf = (path: string) => /\/models\/([^:]+):/.exec(path)![1]

    expect(r.records).toHaveLength(2)
    // A Gemini API key: billed; one account for both calls, a fingerprint, never the key.
    expect(r.records.map((x) => x.billingKind)).toEqual(['api_key', 'api_key'])
    expect(r.records[0]!.account).toMatch(/^[0-9a-f]{20}$/)
    expect(r.records[1]!.account).toBe(r.records[0]!.account)
    expect(JSON.stringify(r.records)).not.toContain('test-gemini-key')
    const base = {
      provider: 'gemini',
      host: API,
      method: 'POST',
      transport: 'http',
      status: 200,
      outcome: 'ok',
      billable: true,
      usageSource: 'provider',
      parseError: null,
      program: PROGRAM.geminiCli,
      // With an API key Gemini CLI sends no session id (Code Assist's is in the body).
      session: null,
      agent: null,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    }
    expect(r.records.find((x) => x.endpoint === 'generateContent')).toMatchObject({
      ...base,
      model: modelOf(router!.path),
      stream: false,
      responseId: 'mock-router-1',
      inputTokens: ROUTER_USAGE.promptTokenCount,
      outputTokens: ROUTER_USAGE.candidatesTokenCount + ROUTER_USAGE.thoughtsTokenCount,
      cacheReadTokens: 0,
      reasoningTokens: ROUTER_USAGE.thoughtsTokenCount,
    })
    expect(r.records.find((x) => x.endpoint === 'streamGenerateContent')).toMatchObject({
      ...base,
      model: modelOf(turn!.path),
      stream: true,
      responseId: 'mock-turn-1',
      inputTokens: TURN_USAGE.promptTokenCount - TURN_USAGE.cachedContentTokenCount,
      outputTokens: TURN_USAGE.candidatesTokenCount + TURN_USAGE.thoughtsTokenCount,
      cacheReadTokens: TURN_USAGE.cachedContentTokenCount,
      reasoningTokens: TURN_USAGE.thoughtsTokenCount,
    })
  }, 120_000)

  test('defaults (usage statistics on) with proxy credentials and a session tag: play.googleapis.com unrecorded, user, project and session on both calls', async () => {
    // GEMINI_CLI_CUSTOM_HEADERS carries a session tag (it sends no session id of its own).
    const r = await runGemini(true, 'carol+ml:local-token', {
      GEMINI_CLI_CUSTOM_HEADERS: 'X-Tokentap-Session: g-7',
    })
    expect(r.stdout).toContain(GEMINI_ANSWER)
    const logs = r.seen.filter((s) => s.host === 'play.googleapis.com')
    expect(logs.length).toBeGreaterThan(0)
    expect(logs[0]!.path).toStartWith('/log')
    expect(r.records).toHaveLength(2)
    for (const rec of r.records) {
      expect(rec).toMatchObject({ host: API, user: 'carol', project: 'ml', session: 'g-7' })
    }
    // Its installation id (sent with usage statistics on) names a machine, not a session.
    const calls = r.seen.filter((s) => s.host === API)
    for (const s of calls)
      expect(s.headers['x-gemini-api-privileged-user-id']).toMatch(/^[0-9a-f-]{36}$/)
    for (const s of r.seen) {
      expect(s.headers['proxy-authorization']).toBeUndefined()
      expect(s.headers['x-tokentap-session']).toBeUndefined()
    }
  }, 120_000)
})
