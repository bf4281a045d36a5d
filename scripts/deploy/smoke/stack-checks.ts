// The smoke's stack phase: what a deployment must do once `compose up -d --build` returns —
// migrate ran, every service healthy, team mode, requests recorded in Postgres, the dashboard's
// read-only role, login and API, the CA kept across a proxy restart, a clean stop.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { postgres } from '@tokentap/shared/db'
import { rawRequest } from '../image-run.ts'
import { type Checks, expectThat } from './record.ts'
import type { Stack } from './stack.ts'
import { DASHBOARD_DB_USER, dashboardUrl, ownerUrl, type StackConfig } from './stack-config.ts'
import { JSON_USAGE, messages, type ProxyClient, SSE_USAGE } from './traffic.ts'

const ROOT = join(import.meta.dir, '..', '..', '..')

interface Row {
  user: string
  stream: boolean
  input: number
  output: number
}

export async function stackChecks(
  stack: Stack,
  c: StackConfig,
  tmp: string,
  checks: Checks,
): Promise<void> {
  const owner = postgres(ownerUrl(c), { max: 1, onnotice: () => {} })
  const rows = async (): Promise<Row[]> =>
    owner<Row[]>`select "user", stream, input_tokens::int as input, output_tokens::int as output
      from usage_events order by started_at, id`
  const waitRows = async (n: number): Promise<Row[]> => {
    const until = Date.now() + 30_000
    let seen = await rows()
    while (seen.length < n && Date.now() < until) {
      await Bun.sleep(100)
      seen = await rows()
    }
    return seen
  }
  const caFile = join(tmp, 'proxy-ca.pem')
  const client: ProxyClient = { port: c.ports.proxy, user: 'alice', token: c.secrets.token, caFile }
  const proxyCa = async (): Promise<string> => {
    const r = await stack.exec('proxy', ['cat', '/data/ca/ca.pem'])
    expectThat(r.code === 0 && r.out.includes('BEGIN CERTIFICATE'), `no CA in the volume: ${r.err}`)
    return r.out
  }
  const dash = (path: string, init?: RequestInit) =>
    fetch(`http://127.0.0.1:${c.ports.dashboard}${path}`, { redirect: 'manual', ...init })
  try {
    await checks.check(
      'migrate exited 0: every migration applied, dashboard login role created',
      async () => {
        const st = await stack.state('migrate')
        const logs = await stack.logs('migrate')
        expectThat(
          st.Status === 'exited' && st.ExitCode === 0,
          `migrate ${st.Status} ${st.ExitCode}`,
        )
        expectThat(/migrations: \d+ applied/.test(logs), `log: ${logs}`)
        expectThat(logs.includes(`${DASHBOARD_DB_USER}: created`), `log: ${logs}`)
        const journal = JSON.parse(
          readFileSync(join(ROOT, 'packages/shared/drizzle/meta/_journal.json'), 'utf8'),
        ) as { entries: unknown[] }
        const [m] = await owner<
          { n: number }[]
        >`select count(*)::int as n from drizzle.__drizzle_migrations`
        expectThat(
          m?.n === journal.entries.length,
          `${m?.n} of ${journal.entries.length} migrations`,
        )
        return `${m?.n} migrations`
      },
    )
    await checks.check('team mode: a CONNECT without credentials gets 407', async () => {
      const line = await rawRequest(
        c.ports.proxy,
        'CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n',
      )
      expectThat(/^HTTP\/1\.[01] 407/.test(line), line)
      return line
    })
    await checks.check(
      'a JSON and an SSE request through the proxy are recorded in Postgres',
      async () => {
        writeFileSync(caFile, await proxyCa())
        const json = await messages(client, false)
        expectThat(json.includes('"msg_smoke"'), `JSON response: ${json}`)
        const stream = await messages(client, true)
        expectThat(stream.includes('event: message_stop'), `SSE response: ${stream}`)
        const got = await waitRows(2)
        const want: Row[] = [
          {
            user: 'alice',
            stream: false,
            input: JSON_USAGE.input_tokens,
            output: JSON_USAGE.output_tokens,
          },
          {
            user: 'alice',
            stream: true,
            input: SSE_USAGE.input_tokens,
            output: SSE_USAGE.output_tokens,
          },
        ]
        expectThat(JSON.stringify(got) === JSON.stringify(want), `rows ${JSON.stringify(got)}`)
        return 'alice: 12/6 tokens (JSON), 25/15 (SSE)'
      },
    )
    await checks.check("the dashboard's login role reads and cannot write", async () => {
      const ro = postgres(dashboardUrl(c), { max: 1, onnotice: () => {} })
      try {
        const [n] = await ro<{ n: number }[]>`select count(*)::int as n from usage_events`
        expectThat(n?.n === 2, `reads ${n?.n} rows`)
        const write = await ro`delete from usage_events`.then(
          () => 'deleted',
          (e: Error) => e.message,
        )
        expectThat(/permission denied/.test(write), `delete as ${DASHBOARD_DB_USER}: ${write}`)
        return write
      } finally {
        await ro.end({ timeout: 1 })
      }
    })
    await checks.check(
      'dashboard: login with DASHBOARD_API_KEY opens /, /api/summary counts the requests',
      async () => {
        expectThat((await dash('/')).status !== 200, '/ without a session answered 200')
        const wrong = await dash('/login', {
          method: 'POST',
          body: new URLSearchParams({ key: 'wrong' }),
        })
        expectThat(wrong.status === 401, `wrong key: ${wrong.status}`)
        const login = await dash('/login', {
          method: 'POST',
          body: new URLSearchParams({ key: c.secrets.apiKey }),
        })
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
        expectThat(login.status === 303 && cookie !== '', `login: ${login.status}`)
        const page = await dash('/', { headers: { cookie } })
        expectThat(
          page.status === 200 && (await page.text()).includes('<html'),
          `/: ${page.status}`,
        )
        const anon = await dash('/api/summary')
        expectThat(anon.status === 401, `/api/summary without a key: ${anon.status}`)
        const r = await dash('/api/summary?range=7d', {
          headers: { authorization: `Bearer ${c.secrets.apiKey}` },
        })
        const body = (await r.json()) as { totals?: { requests?: number; inputTokens?: number } }
        expectThat(
          r.status === 200 && body.totals?.requests === 2,
          `/api/summary: ${r.status} ${JSON.stringify(body)}`,
        )
        expectThat(body.totals?.inputTokens === 37, `inputTokens ${body.totals?.inputTokens}`)
        return 'requests 2, input tokens 37'
      },
    )
    await checks.check(
      '/data and /data/ca are 0700 bun in the running proxy (volume included)',
      async () => {
        const r = await stack.exec('proxy', ['stat', '-c', '%a %U %n', '/data', '/data/ca'])
        expectThat(r.out.trim() === '700 bun /data\n700 bun /data/ca', r.out + r.err)
        return r.out.trim().replace('\n', ', ')
      },
    )
    await checks.check(
      'the proxy keeps its CA across a restart; clients trusting it still work',
      async () => {
        const before = await proxyCa()
        const restart = await stack.compose(['restart', 'proxy'])
        expectThat(restart.code === 0, restart.err)
        await stack.waitHealthy(['proxy'], 60_000)
        expectThat((await proxyCa()) === before, 'the CA changed')
        await messages(client, false)
        const got = await waitRows(3)
        expectThat(got.length === 3, `${got.length} rows after the restart`)
        return 'same certificate, third request recorded'
      },
    )
  } finally {
    await owner.end({ timeout: 1 })
  }
  await checks.check(
    'compose stop: postgres, proxy and dashboard exit 0 within their grace period',
    async () => {
      const r = await stack.compose(['stop'])
      expectThat(r.code === 0, r.err)
      const codes: string[] = []
      for (const s of ['postgres', 'proxy', 'dashboard']) {
        const st = await stack.state(s)
        codes.push(`${s} ${st.ExitCode}`)
        expectThat(st.Status === 'exited' && st.ExitCode === 0, `${s}: ${st.Status} ${st.ExitCode}`)
      }
      return `${codes.join(', ')} in ${(r.ms / 1000).toFixed(1)} s`
    },
  )
}
