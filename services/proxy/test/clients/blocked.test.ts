// Hard budgets with the real CLIs (claude -p, codex exec, gemini -p) through the proxy: a budget
// with `"action": "block"` is over its limit (spend written by the real writer), so the model
// call gets the provider's own error. Each client must show the budget's message to its user
// and exit, without retrying: the proxy refuses each model request once (Claude Code sends one,
// Codex two WebSocket upgrades — warm-up and turn —, Gemini CLI two calls — router and turn),
// the upstream sees none. The run's timeout only bounds a hang: a retry loop would show as
// repeated refusals (Codex retries a 403 five times per transport), never as a slow test.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { blockedErrorPrefix } from '@tokentap/shared/budgets'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { spend } from '../alerts/helpers.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'
import { type CliUpstream, startCliUpstream } from './cli-upstream.ts'
import { notFound } from './fixtures/anthropic.ts'
import {
  claudeBinary,
  codexBinary,
  describeRun,
  geminiEntry,
  runCli,
  tempDir,
  trustBundle,
} from './run-cli.ts'

const HOSTS = [
  'api.anthropic.com',
  'api.openai.com',
  'chatgpt.com',
  'ab.chatgpt.com',
  'api.github.com',
  'github.com',
  'generativelanguage.googleapis.com',
  'play.googleapis.com',
]
const INTERCEPTED = new Set([
  'api.anthropic.com',
  'api.openai.com',
  'chatgpt.com',
  'generativelanguage.googleapis.com',
])
const BUDGET = 'team-daily'
/** What every client must show: the budget's name and that it is used up. */
const SHOWN = /team-daily\\?" is used up: \$0\.60\d* spent of its \$0\.5\d* limit per day/

let db: TestDatabase
let mock: CliUpstream
let proxy: Harness
let slack: ReturnType<typeof Bun.serve>

beforeAll(async () => {
  db = await testDatabase()
  await spend(db.sql, [{ at: new Date().toISOString(), cost: 0.6, project: 'capped' }])
  mock = await startCliUpstream(HOSTS)
  // Claude Code's side calls, answered as an organisation without restrictions would.
  mock.on('api.anthropic.com', 'GET /api/claude_code/policy_limits', () =>
    Response.json({ restrictions: {} }),
  )
  mock.on('api.anthropic.com', 'GET /api/claude_code/settings', notFound)
  slack = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('ok') })
  const home = tempDir('tt-block-cli-')
  const budgets = join(home.path, 'budgets.yaml')
  writeFileSync(
    budgets,
    `budgets:\n  - { name: ${BUDGET}, period: day, limitUsd: 0.5, action: block, scope: { project: capped } }\n`,
  )
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      DATABASE_URL: db.url,
      BATCH_INTERVAL_MS: '50',
      TOKENTAP_BUDGETS: budgets,
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${slack.port}/hook`,
    },
  })
  await waitFor('the blocking snapshot', () => proxy.app.blocker?.active === true)
}, 60_000)

afterAll(async () => {
  await proxy?.stop()
  await mock?.stop()
  slack?.stop(true)
  await db?.drop()
}, 30_000)

const proxyUrl = () => proxy.proxyUrl.replace('http://', 'http://dana+capped:local-token@')

/** Runs one client; returns its output and the records of the run once every one is in. */
async function run(argv: string[], env: (home: string) => Record<string, string>) {
  const home = tempDir('tt-block-home-')
  const work = tempDir('tt-block-work-')
  const seenBefore = mock.seen.length
  const recordsBefore = proxy.sink.records.length
  try {
    const result = await runCli(argv, {
      cwd: work.path,
      timeoutMs: 90_000,
      env: {
        HOME: home.path,
        HTTPS_PROXY: proxyUrl(),
        ...env(home.path),
      },
    })
    const seen = mock.seen.slice(seenBefore)
    // One record per intercepted request the upstream saw, and one per refusal (submitted as
    // its answer is written, before the client can act on it).
    const intercepted = seen.filter((x) => INTERCEPTED.has(x.host)).length
    await proxy.sink.waitFor(recordsBefore + intercepted + 1, 10_000)
    const records = proxy.sink.records.slice(recordsBefore)
    return { result, seen, records, output: `${result.stdout}\n${result.stderr}` }
  } finally {
    home.remove()
    work.remove()
  }
}

function expectRefusedOnce(
  name: string,
  r: Awaited<ReturnType<typeof run>>,
  billablePaths: RegExp,
): UsageRecord[] {
  const why = describeRun(name, r.result)
  expect(r.result.timedOut, why).toBe(false)
  expect(r.output, why).toMatch(SHOWN)
  const blocked = r.records.filter((x) => x.outcome === 'blocked')
  for (const b of blocked) {
    expect(b).toMatchObject({ billable: false, costUsd: 0, project: 'capped' })
    expect(b.error).toStartWith(blockedErrorPrefix(BUDGET))
  }
  // Nothing billable reached the upstream.
  expect(r.seen.filter((s) => billablePaths.test(s.path)).map((s) => s.path)).toEqual([])
  return blocked
}

const claude = claudeBinary()
const codex = codexBinary()
const gemini = geminiEntry()
const node = Bun.which('node')

describe('hard budgets with the real CLIs', () => {
  test.skipIf(!claude)(
    'claude -p: shows the budget message, exits, one refused request',
    async () => {
      const r = await run([claude!, '-p', 'hi'], (home) => ({
        NODE_EXTRA_CA_CERTS: trustBundle(home, proxy.caPath, mock.caPath),
        ANTHROPIC_API_KEY: 'sk-ant-api03-test',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      }))
      const blocked = expectRefusedOnce('claude', r, /^\/v1\/messages(\?|$)/)
      expect(blocked.map((b) => [b.path, b.model !== null])).toEqual([
        ['/v1/messages?beta=true', true],
      ])
      expect(r.result.code).not.toBe(0)
    },
    120_000,
  )

  test.skipIf(!codex)(
    'codex exec: shows the budget message, exits, no retry loop',
    async () => {
      const r = await run([codex!, 'exec', '--skip-git-repo-check', 'hi'], (home) => ({
        CODEX_HOME: home,
        CODEX_CA_CERTIFICATE: trustBundle(home, proxy.caPath, mock.caPath),
        CODEX_API_KEY: 'sk-test-codex',
      }))
      const blocked = expectRefusedOnce('codex', r, /^\/v1\/responses/)
      // Two WebSocket upgrades, each refused once: the session's warm-up connection, then the
      // turn's (a 400 is final for Codex: no "Reconnecting… n/5", no fallback to HTTP).
      expect(blocked.map((b) => `${b.method} ${b.path}`)).toEqual([
        'GET /v1/responses',
        'GET /v1/responses',
      ])
      expect(r.output).not.toContain('Reconnecting')
      expect(r.output).not.toContain('Falling back')
      expect(r.result.code).not.toBe(0)
    },
    120_000,
  )

  test.skipIf(!gemini || !node)(
    'gemini -p: shows the budget message, exits, no retry loop',
    async () => {
      const r = await run([node!, gemini!, '-p', 'hi'], (home) => {
        mkdirSync(join(home, '.gemini'))
        writeFileSync(
          join(home, '.gemini', 'settings.json'),
          JSON.stringify({ privacy: { usageStatisticsEnabled: false } }),
        )
        return {
          NODE_EXTRA_CA_CERTS: trustBundle(home, proxy.caPath, mock.caPath),
          GEMINI_API_KEY: 'test-gemini-key',
          GEMINI_CLI_TRUST_WORKSPACE: 'true',
        }
      })
      const blocked = expectRefusedOnce('gemini', r, /:(stream)?[gG]enerateContent/)
      // Its two model calls, each refused once: the router's classification, then the turn.
      expect(blocked.map((b) => b.endpoint)).toEqual(['generateContent', 'streamGenerateContent'])
      expect(new Set(blocked.map((b) => b.model)).size).toBe(2)
      expect(r.result.code).not.toBe(0)
    },
    150_000,
  )
})
