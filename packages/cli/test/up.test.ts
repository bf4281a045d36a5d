// `tokentap up` (what `bun run start` runs) as a real process on a temp TOKENTAP_HOME: embedded Postgres initialised on
// the first run and reused on the second (same credentials, the first run's usage row still
// there), a request through the printed proxy URL with the printed CA recorded, the dashboard
// answering, the state file and log present while it runs and the state file gone after,
// SIGINT exiting 0, a second `up` refused, and no postmaster left. A Postgres that cannot start
// and busy ports exit 1 with one line naming cause and fix, leaving nothing running (refusals
// before anything starts: up-refusals.test.ts). Plus the banner.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { curl, type MockUpstream, startMockUpstream } from '@tokentap/proxy/testing'
import { postgres } from '@tokentap/shared/db'
import { clientHost } from '../src/config/paths.ts'
import { readState } from '../src/state/state.ts'
import { maskPassword, renderBanner } from '../src/up/banner.ts'
import { banner, exitCode, field, MAIN, postmasters } from './up-process.ts'

let mock: MockUpstream
let root: string
let home: string
let dataDir: string
const children: ReturnType<typeof Bun.spawn>[] = []

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_s',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 5, output_tokens: 2 },
    }),
  )
  root = mkdtempSync(join(tmpdir(), 'tt-start-'))
  // As root the server runs as `postgres`, which must traverse the temp dir.
  chmodSync(root, 0o755)
  home = join(root, 'home')
  dataDir = join(home, 'pg')
})

const pgProcesses = (): number[] => postmasters(dataDir)

// A test that failed half-way must not leave its `up` running for the next one.
afterEach(async () => {
  for (const c of children) {
    if (c.exitCode !== null) continue
    c.kill('SIGINT')
    await Promise.race([c.exited, Bun.sleep(10_000)])
  }
})

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  for (const pid of pgProcesses()) process.kill(pid, 'SIGQUIT')
  await mock.stop()
  rmSync(root, { recursive: true, force: true })
})

function start(env: Record<string, string> = {}) {
  const p = Bun.spawn(['bun', MAIN, 'up'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      TOKENTAP_HOME: home,
      PROXY_PORT: '0',
      DASHBOARD_PORT: '0',
      TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port}`,
      TOKENTAP_UPSTREAM_CA: mock.caPath,
      SHUTDOWN_GRACE_MS: '2000',
      BATCH_INTERVAL_MS: '50',
      // Must be dropped by start itself, or the proxy would proxy itself.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      ...env,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  children.push(p)
  const stderr = new Response(p.stderr).text()
  return { p, stderr }
}

describe('tokentap up', () => {
  test('first run: embedded Postgres, proxy records, dashboard answers, SIGINT exits 0', async () => {
    const { p, stderr } = start()
    const out = await banner(p.stdout as ReadableStream<Uint8Array>)
    const proxyUrl = field(out, /export HTTPS_PROXY=(\S+)/)
    const caPath = field(out, /export NODE_EXTRA_CA_CERTS=(\S+)/)
    const dashboardUrl = field(out, /dashboard\s+(http\S+)/)
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(proxyUrl).not.toBe('http://127.0.0.1:0')
    expect(caPath).toBe(join(home, 'ca', 'ca.pem'))
    expect(out).toContain(`--cacert ${caPath}`)
    expect(out).toMatch(/database {3}postgres:\/\/tokentap:\*\*\*@127\.0\.0\.1:\d+\/tokentap/)

    const creds = JSON.parse(readFileSync(join(home, 'pg.json'), 'utf8'))
    expect(statSync(join(home, 'pg.json')).mode & 0o777).toBe(0o600)
    expect(out).not.toContain(creds.password)
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true)

    const r = await curl([
      '--proxy',
      proxyUrl,
      '--cacert',
      caPath,
      '-H',
      'content-type: application/json',
      '-d',
      '{"model":"claude-haiku-4-5","max_tokens":8,"messages":[]}',
      'https://api.anthropic.com/v1/messages',
    ])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ id: 'msg_s' })

    const health = await fetch(`${dashboardUrl}/api/health`)
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' })

    const state = readState(join(home, 'up.json'))
    expect(state).toMatchObject({ pid: p.pid, caCert: caPath, embeddedDataDir: dataDir })
    expect(`http://127.0.0.1:${state?.proxy.port}`).toBe(proxyUrl)
    expect(`http://127.0.0.1:${state?.dashboard.port}`).toBe(dashboardUrl)
    expect(JSON.stringify(state)).not.toContain(creds.password)

    // status reads the state file and finds every part up and recording (the record of the
    // request above may still be on its way to Postgres: ask again until it is written).
    const runStatus = async (): Promise<{ code: number; text: string }> => {
      const status = Bun.spawn(['bun', MAIN, 'status'], {
        env: { PATH: process.env.PATH ?? '', HOME: root, TOKENTAP_HOME: home },
        stdout: 'pipe',
      })
      const text = await new Response(status.stdout).text()
      return { code: await status.exited, text }
    }
    let { code, text: statusText } = await runStatus()
    for (let i = 0; i < 40 && !/[1-9]\d* written, queue 0/.test(statusText); i++) {
      await Bun.sleep(250)
      ;({ code, text: statusText } = await runStatus())
    }
    expect(code).toBe(0)
    expect(statusText).toContain(`tokentap   up (pid ${p.pid}`)
    expect(statusText).toContain(`proxy      ok  ${proxyUrl}`)
    expect(statusText).toContain('database   ok')
    expect(statusText).toMatch(/recording {2}ok {2}[1-9]\d* written, queue 0, spool 0 B, dropped 0/)

    // A second `up` on the same home is refused and leaves the first alone.
    const second = start()
    expect(await second.p.exited).toBe(1)
    expect(await second.stderr).toContain(`already running (pid ${p.pid}`)
    expect(await second.stderr).not.toContain('    at ')
    expect(readState(join(home, 'up.json'))?.pid).toBe(p.pid)

    p.kill('SIGINT')
    expect(await p.exited).toBe(0)
    expect(await stderr).toContain('initialising Postgres')
    expect(pgProcesses()).toEqual([])
    expect(existsSync(join(home, 'up.json'))).toBe(false)
    const logged = readFileSync(join(home, 'logs', 'tokentap.log'), 'utf8')
    expect(logged).toContain('SIGINT: stopping')
    expect(readFileSync(join(home, 'logs', 'postgres.log'), 'utf8')).toContain('ready to accept')
  }, 30_000)

  test('second run reuses the data dir and credentials; the first row is there', async () => {
    const before = readFileSync(join(home, 'pg.json'), 'utf8')
    const { p, stderr } = start()
    await banner(p.stdout as ReadableStream<Uint8Array>)
    const creds = JSON.parse(readFileSync(join(home, 'pg.json'), 'utf8'))
    expect(creds.password).toBe(JSON.parse(before).password)
    const sql = postgres(
      `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${creds.port}/${creds.database}`,
      { max: 1, onnotice: () => {} },
    )
    try {
      const rows = await sql`
        select input_tokens::int, output_tokens::int, host from usage_events where response_id = 'msg_s'`
      expect(rows.map((r) => ({ ...r }))).toEqual([
        { input_tokens: 5, output_tokens: 2, host: 'api.anthropic.com' },
      ])
    } finally {
      await sql.end()
    }
    p.kill('SIGINT')
    expect(await p.exited).toBe(0)
    expect(await stderr).not.toContain('initialising Postgres')
    expect(pgProcesses()).toEqual([])
  }, 30_000)

  test('a Postgres that cannot start fails start-up with its reason, and nothing stays up', async () => {
    const conf = join(dataDir, 'postgresql.conf')
    const original = readFileSync(conf, 'utf8')
    appendFileSync(conf, 'tokentap_bogus_setting = 1\n')
    try {
      const { p, stderr } = start()
      expect(await exitCode(p)).toBe(1)
      const text = await stderr
      expect(text).toContain(
        `Postgres stopped during start-up: configuration file "${conf}" contains errors: ` +
          'unrecognized configuration parameter "tokentap_bogus_setting"',
      )
      expect(text).toContain('correct or remove that setting and start again')
      expect(text).toContain(`(log ${join(home, 'logs', 'postgres.log')})`)
      expect(text).not.toContain('    at ')
      expect(pgProcesses()).toEqual([])
    } finally {
      writeFileSync(conf, original)
    }
  }, 30_000)

  test('a busy DASHBOARD_PORT fails start-up naming it, and stops the Postgres it started', async () => {
    const busy = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') })
    try {
      const { p, stderr } = start({ DASHBOARD_PORT: String(busy.port) })
      expect(await exitCode(p)).toBe(1)
      const text = await stderr
      expect(text).toContain(
        `configuration error: DASHBOARD_PORT: 127.0.0.1:${busy.port} is already in use; ` +
          'stop what listens there or set DASHBOARD_PORT to another port',
      )
      expect(text).not.toContain('    at ')
      expect(pgProcesses()).toEqual([])
    } finally {
      await busy.stop(true)
    }
  }, 30_000)

  test('a busy PROXY_PORT fails start-up naming it, and stops the Postgres it started', async () => {
    const busy = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    try {
      const { p, stderr } = start({ PROXY_PORT: String(busy.port) })
      expect(await exitCode(p)).toBe(1)
      expect(await stderr).toContain(
        `configuration error: PROXY_PORT: 127.0.0.1:${busy.port} is already in use`,
      )
      expect(pgProcesses()).toEqual([])
    } finally {
      busy.stop(true)
    }
  }, 30_000)
})

describe('banner', () => {
  test('masks the database password and maps wildcard hosts to loopback', () => {
    expect(maskPassword('postgres://u:p%40ss@h:5432/db')).toBe('postgres://u:***@h:5432/db')
    expect(maskPassword('postgres://h/db')).toBe('postgres://h/db')
    expect(clientHost('0.0.0.0')).toBe('127.0.0.1')
    expect(clientHost('::1')).toBe('[::1]')
    const text = renderBanner({
      proxy: { host: '0.0.0.0', port: 8080 },
      dashboard: { host: '127.0.0.1', port: 3000 },
      caPath: '/h/ca/ca.pem',
      databaseUrl: 'postgres://app:secret@db:5432/tokentap',
      embedded: null,
      logFile: '/h/logs/tokentap.log',
    })
    expect(text).toContain('export HTTPS_PROXY=http://127.0.0.1:8080\n')
    expect(text).toContain('export NODE_EXTRA_CA_CERTS=/h/ca/ca.pem\n')
    expect(text).toContain('database   postgres://app:***@db:5432/tokentap\n')
    expect(text).not.toContain('secret')
    expect(text).toContain('eval "$(tokentap shell-init)"')
  })
})
