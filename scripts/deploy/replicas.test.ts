// Several replicas of the proxy image (built without Docker, as in image-steps.test.ts) behind
// one CA and one Postgres, as a team deployment scales them: both migrate at start under the
// advisory lock, clients trusting only the shared CA reach either, every exchange is recorded
// once and every budget alert is sent once; an API key has one account fingerprint on both
// (the fingerprint key is derived from the shared CA key); a session whose requests went through
// both adds up exactly.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  field,
  type MockUpstream,
  type SlackMock,
  startMockUpstream,
  startSlackMock,
} from '@tokentap/proxy/testing'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type ImageFixture, imageFixture, listeningPort, start, stop } from './image-run.ts'

const ROOT = join(import.meta.dir, '..', '..')
let fx: ImageFixture

beforeAll(async () => {
  fx = await imageFixture(['proxy'])
}, 240_000)

afterAll(() => fx?.cleanup(), 180_000)

describe('two proxy replicas of the image', () => {
  let db: TestDatabase
  let mock: MockUpstream
  let slack: SlackMock
  // claude-sonnet-4-5: 10 × $3 + 5 × $15 per MTok = $0.000105 a request; the budget is crossed
  // by the second request, whichever replica carries it.
  const usage = { input_tokens: 10, output_tokens: 5 }
  const budgets = 'budgets:\n  - name: team\n    period: day\n    limitUsd: 0.0002\n'
  // Claude Code's session header on every request, a sub-agent's on every other one.
  const session = '7f713c82-2434-4741-a166-4f587a5a8096'

  beforeAll(async () => {
    // Not migrated: both replicas migrate at start, under the advisory lock.
    db = await testDatabase({ migrate: false })
    mock = await startMockUpstream()
    mock.on('api.anthropic.com', 'POST /v1/messages', () =>
      Response.json({ id: 'msg_replica', model: 'claude-sonnet-4-5-20250929', usage }),
    )
    slack = startSlackMock()
    writeFileSync(join(fx.tmp, 'budgets.yaml'), budgets)
  }, 60_000)
  afterAll(async () => {
    await slack?.stop()
    await mock?.stop()
    await db?.drop()
  }, 30_000)

  test('share one CA and one Postgres: every exchange recorded once, every alert sent once, a session exact', async () => {
    const { app } = fx.images.proxy ?? { app: '' }
    const replicas = [0, 1].map((i) =>
      start(['sh', join(app, 'scripts/image-steps.sh'), 'proxy', 'run'], {
        ...fx.teamEnv(join(fx.tmp, `replica-${i}`)),
        DATABASE_URL: db.url,
        TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port}`,
        TOKENTAP_UPSTREAM_CA: mock.caPath,
        BATCH_INTERVAL_MS: '50',
        TOKENTAP_BUDGETS: join(fx.tmp, 'budgets.yaml'),
        SLACK_WEBHOOK_URL: slack.url(),
      }),
    )
    const fullAlert = async (): Promise<boolean> =>
      (
        await db.sql`select 1 from alerts_sent
          where budget = 'team' and threshold = 1 and delivered_at is not null`.catch(() => [])
      ).length === 1
    // The replicas listen before their background migration ends: no table yet counts as 0.
    const count = async (): Promise<number> =>
      Number((await db.sql`select count(*)::int as n from usage_events`.catch(() => []))[0]?.n ?? 0)
    const requests = 6
    try {
      const ports = await Promise.all(replicas.map((r) => listeningPort(r)))
      for (let i = 0; i < requests; i++) {
        // The client trusts only the shared CA, so each replica's leaf must chain to it.
        // Async: the mock upstream answers from this process's event loop.
        const r = Bun.spawn(
          [
            'curl',
            '-sSf',
            '--max-time',
            '30',
            '--proxy',
            `http://127.0.0.1:${ports[i % 2]}`,
            '--proxy-user',
            `alice:${fx.token}`,
            '--cacert',
            fx.secret('ca.pem'),
            '-H',
            'x-api-key: sk-ant-api03-replica-test',
            '-H',
            `X-Claude-Code-Session-Id: ${session}`,
            ...(i % 2 === 1
              ? [
                  '-H',
                  'x-claude-code-agent-id: a0aaff6c392cc486a',
                  '-H',
                  'x-claude-code-agent-type: Explore',
                ]
              : []),
            '-d',
            '{"model":"claude-sonnet-4-5"}',
            'https://api.anthropic.com/v1/messages',
          ],
          { env: { PATH: process.env.PATH ?? '' }, stdout: 'pipe', stderr: 'pipe' },
        )
        const [code, err] = await Promise.all([r.exited, new Response(r.stderr).text()])
        expect({ code, err }).toEqual({ code: 0, err: '' })
      }
      const until = Date.now() + 60_000
      while (!((await count()) >= requests && (await fullAlert())) && Date.now() < until) {
        await Bun.sleep(50)
      }
    } finally {
      for (const r of replicas) {
        const code = await stop(r)
        expect({ code, output: code === 0 ? '' : r.output() }).toEqual({ code: 0, output: '' })
      }
    }
    const [events] = await db.sql<{ n: number; ids: number; input: number }[]>`
      select count(*)::int as n, count(distinct id)::int as ids,
        sum(input_tokens)::int as input from usage_events where "user" = 'alice'`
    expect(events).toEqual({ n: requests, ids: requests, input: requests * usage.input_tokens })
    const [rollup] = await db.sql<{ requests: number; input: number }[]>`
      select sum(requests)::int as requests, sum(input_tokens)::int as input
      from usage_rollup_hourly`
    expect(rollup).toEqual({ requests, input: requests * usage.input_tokens })
    // The session's totals, folded by both replicas' flushes, equal its events exactly.
    const [s] = await db.sql<{ requests: number; exact: boolean; agents: number }[]>`
      select s.requests::int as requests,
        s.cost_usd = (select sum(cost_usd) from usage_events where session = ${session})
          and s.cost_usd = ${requests} * 0.000105 as exact,
        (select count(*) from usage_events where session = ${session}
          and agent = 'a0aaff6c392cc486a' and agent_type = 'Explore')::int as agents
      from usage_sessions s where s.session = ${session}`
    expect(s).toEqual({ requests, exact: true, agents: requests / 2 })
    // Same key through either replica: one account, billed to the key.
    const accounts = await db.sql<{ account: string; billing_kind: string }[]>`
      select distinct account, billing_kind from usage_events`
    expect(accounts).toHaveLength(1)
    expect(accounts[0]).toMatchObject({ billing_kind: 'api_key' })
    expect(accounts[0]?.account).toMatch(/^[0-9a-f]{20}$/)
    const [limits] = await db.sql<{ n: number; account: string }[]>`
      select count(*)::int as n, min(account) as account from account_limits`
    expect(limits).toEqual({ n: 1, account: accounts[0]!.account })
    const journal = JSON.parse(
      readFileSync(join(ROOT, 'packages/shared/drizzle/meta/_journal.json'), 'utf8'),
    ) as { entries: unknown[] }
    const [applied] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from drizzle.__drizzle_migrations`
    expect(applied?.n).toBe(journal.entries.length)
    // Both replicas evaluate the budget after their flushes; alerts_sent lets one of them send.
    const [alerts] = await db.sql<{ delivered: number; full: number }[]>`
      select count(*) filter (where delivered_at is not null)::int as delivered,
        count(*) filter (where threshold = 1)::int as full
      from alerts_sent where budget = 'team'`
    expect(alerts?.full).toBe(1)
    // One message may cover several thresholds crossed at once; none is ever sent twice.
    const posted = slack.posts.map((p) => field(p.body, 'Threshold') ?? '?')
    expect(new Set(posted).size).toBe(posted.length)
    expect(posted.filter((t) => /^100\s?%/.test(t))).toHaveLength(1)
    expect(posted.length).toBeLessThanOrEqual(alerts?.delivered ?? 0)
  }, 180_000)
})
