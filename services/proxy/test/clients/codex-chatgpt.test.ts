// The real Codex CLI signed in with a ChatGPT account (auth.json with sign-in tokens, as
// `codex login` leaves it): its turns go to chatgpt.com/backend-api/codex/responses with the
// access token and chatgpt-account-id, and are covered by the plan (billing kind subscription).
// The plan's usage windows come as x-codex-* headers on HTTP and as `codex.rate_limits` events
// on the Responses WebSocket; both reach the record's limits reading. The token never reaches a
// record: the account is a keyed fingerprint of the ChatGPT account and user.

import { describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { type CliUpstream, startCliUpstream } from './cli-upstream.ts'
import { CODEX_ANSWER, responseEvents, sseBody } from './fixtures/openai-responses.ts'
import { codexBinary, describeRun, runCli, tempDir, trustBundle } from './run-cli.ts'

const HOST = 'chatgpt.com'
const PATH = '/backend-api/codex/responses'
const HOSTS = [
  HOST,
  'api.openai.com',
  'ab.chatgpt.com',
  'api.github.com',
  'github.com',
  'auth.openai.com',
]
const bin = codexBinary()
const title = bin
  ? 'Codex CLI signed in with ChatGPT through the proxy'
  : `Codex CLI with ChatGPT (skipped: no native binary for ${process.platform}-${process.arch})`

const RESET_PRIMARY = 1_900_000_000
const RESET_SECONDARY = RESET_PRIMARY + 5 * 86_400
const ACCOUNT_ID = 'acc-tokentap-0001'
const MODEL = 'gpt-5.1-codex'

/** A JWT as ChatGPT sign-in issues it (Codex reads its claims; the mock never checks it). */
function jwt(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'mock' })}.${part(claims)}.bW9jay1zaWduYXR1cmU`
}
const AUTH_CLAIMS = {
  chatgpt_account_id: ACCOUNT_ID,
  chatgpt_plan_type: 'plus',
  chatgpt_user_id: 'user-tokentap-0001',
  user_id: 'user-tokentap-0001',
}
const EXP = Math.floor(Date.now() / 1000) + 30 * 86_400
const ACCESS_TOKEN = jwt({ 'https://api.openai.com/auth': AUTH_CLAIMS, exp: EXP, sub: 'auth0|t' })
const ID_TOKEN = jwt({
  email: 'dev@tokentap.local',
  'https://api.openai.com/auth': AUTH_CLAIMS,
  exp: EXP,
  sub: 'auth0|t',
})

const WINDOW_HEADERS = {
  'x-codex-primary-used-percent': '82.5',
  'x-codex-primary-window-minutes': '300',
  'x-codex-primary-reset-at': String(RESET_PRIMARY),
  'x-codex-secondary-used-percent': '31',
  'x-codex-secondary-window-minutes': '10080',
  'x-codex-secondary-reset-at': String(RESET_SECONDARY),
  'x-codex-credits-has-credits': 'false',
  'x-codex-credits-unlimited': 'false',
}
const RATE_LIMITS_EVENT = {
  type: 'codex.rate_limits',
  plan_type: 'plus',
  rate_limits: {
    primary: { used_percent: 82.5, window_minutes: 300, reset_at: RESET_PRIMARY },
    secondary: { used_percent: 31, window_minutes: 10_080, reset_at: RESET_SECONDARY },
  },
  credits: { has_credits: false, unlimited: false, balance: null },
  metered_limit_name: 'codex',
}

async function withChatGptCodex(
  websocket: boolean,
  body: (s: { mock: CliUpstream; proxy: Harness }, run: () => Promise<string>) => Promise<void>,
): Promise<void> {
  const mock = await startCliUpstream(HOSTS)
  const proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  const home = tempDir('tt-codex-chatgpt-home-')
  const work = tempDir('tt-codex-chatgpt-work-')
  writeFileSync(
    join(home.path, 'auth.json'),
    JSON.stringify({
      OPENAI_API_KEY: null,
      tokens: {
        id_token: ID_TOKEN,
        access_token: ACCESS_TOKEN,
        refresh_token: 'rt_tokentap_mock',
        account_id: ACCOUNT_ID,
      },
      last_refresh: new Date().toISOString(),
    }),
  )
  // Workspace routing discovery (Codex ≥ 0.16x asks before its first turn): the account's
  // workspace is served from chatgpt.com itself.
  mock.on(HOST, 'GET /backend-api/wham/accounts/check', () =>
    Response.json({
      accounts: [
        {
          id: ACCOUNT_ID,
          workspace_backend_origin: `https://${HOST}`,
          account_routing_override: 'us',
        },
      ],
    }),
  )
  mock.onWs(HOST, PATH, {
    accept: () => websocket,
    message(text, send) {
      const create = JSON.parse(text) as { type: string; model: string; generate?: boolean }
      if (create.type !== 'response.create') return
      const warmup = create.generate === false
      send(JSON.stringify(RATE_LIMITS_EVENT))
      const id = warmup ? 'resp_chatgpt_warmup' : 'resp_chatgpt_turn'
      for (const ev of responseEvents(id, create.model, warmup)) send(JSON.stringify(ev))
    },
  })
  // Codex zstd-compresses its request bodies to the ChatGPT backend: the mock answers without
  // reading them (the model named in the events is the mock's).
  mock.on(HOST, `POST ${PATH}`, () => {
    return new Response(sseBody(responseEvents('resp_chatgpt_http', MODEL, false)), {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', ...WINDOW_HEADERS },
    })
  })
  const run = async (): Promise<string> => {
    const result = await runCli([bin!, 'exec', '--skip-git-repo-check', 'hi'], {
      cwd: work.path,
      timeoutMs: 60_000,
      env: {
        HOME: home.path,
        CODEX_HOME: home.path,
        HTTPS_PROXY: proxy.proxyUrl,
        CODEX_CA_CERTIFICATE: trustBundle(home.path, proxy.caPath, mock.caPath),
      },
    })
    if (result.code !== 0) throw new Error(describeRun('codex', result))
    return result.stdout
  }
  try {
    await body({ mock, proxy }, run)
  } finally {
    await proxy.stop()
    await mock.stop()
    home.remove()
    work.remove()
  }
}

function expectCovered(records: UsageRecord[], turn: UsageRecord): void {
  expect(turn).toMatchObject({ provider: 'openai', host: HOST, billable: true })
  expect(turn.billingKind).toBe('subscription')
  expect(turn.account).toMatch(/^[0-9a-f]{20}$/)
  // Every sign-in request names the same account; the token is nowhere.
  const signedIn = records.filter((r) => r.host === HOST && r.account !== null)
  expect(new Set(signedIn.map((r) => r.account))).toEqual(new Set([turn.account]))
  expect(JSON.stringify(records)).not.toContain(ACCESS_TOKEN.split('.')[1]!)
}

describe.skipIf(!bin)(title, () => {
  test('over HTTP: the turn is covered by the plan; x-codex-* windows read', async () => {
    await withChatGptCodex(false, async (s, run) => {
      expect(await run()).toContain(CODEX_ANSWER)
      const post = s.mock.seen.find((r) => r.method === 'POST' && r.path.startsWith(PATH))!
      expect(post.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`)
      expect(post.headers['chatgpt-account-id']).toBe(ACCOUNT_ID)
      const http = s.mock.seen.filter((r) => r.host === HOST && r.method !== 'WS').length
      const records = await s.proxy.sink.waitFor(http, 10_000)
      const turn = records.find((r) => r.responseId === 'resp_chatgpt_http')!
      expectCovered(records, turn)
      const limits = s.proxy.sink.limits.get(turn.id)
      expect(limits?.windows['codex-primary']).toMatchObject({
        used: 0.825,
        minutes: 300,
        resetAt: new Date(RESET_PRIMARY * 1000).toISOString(),
      })
      expect(limits?.windows['codex-secondary']).toMatchObject({ used: 0.31, minutes: 10080 })
      expect(limits?.windows['codex-credits']?.status).toBe('none')
    })
  }, 90_000)

  test('over the WebSocket: codex.rate_limits events ride on the turn records', async () => {
    await withChatGptCodex(true, async (s, run) => {
      expect(await run()).toContain(CODEX_ANSWER)
      const upgrade = s.mock.seen.find((r) => r.method === 'WS')!
      expect(upgrade.path).toBe(PATH)
      const http = s.mock.seen.filter((r) => r.host === HOST && r.method !== 'WS').length
      const records = await s.proxy.sink.waitFor(http + 2, 10_000)
      const turn = records.find((r) => r.responseId === 'resp_chatgpt_turn')!
      expect(turn.transport).toBe('websocket')
      expectCovered(records, turn)
      const limits = s.proxy.sink.limits.get(turn.id)
      expect(limits?.windows['codex-primary']).toMatchObject({ used: 0.825, minutes: 300 })
      expect(limits?.windows['codex-secondary']?.used).toBe(0.31)
    })
  }, 90_000)
})
