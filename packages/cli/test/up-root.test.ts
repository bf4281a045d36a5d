// `bun run start` as root from a checkout inside a 0700 directory, with nothing set (issue 12):
// this checkout's files are copied into a fresh mkdtemp directory (mode 0700, like /root),
// installed there offline, and started with HOME inside it. Postgres must run as the `postgres`
// user from binaries staged under /var/lib/tokentap with its data there (the user cannot reach
// the checkout or ~/.tokentap), a request through the printed proxy must show in the dashboard
// API, and Ctrl-C (SIGINT to the process group, as a terminal sends it) must leave no postmaster.
// Needs root: skipped otherwise, saying so.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { clusterName, installedBinaries, SYSTEM_DIR, stagedBinDir } from '@tokentap/pgserver'
import { curl, type MockUpstream, startMockUpstream } from '@tokentap/proxy/testing'
import { copyFiles, repositoryFiles } from '@tokentap/testing'
import { banner, exitCode, field, postmasters } from './up-process.ts'

const REPO = join(import.meta.dir, '..', '..', '..')
const isRoot = process.getuid?.() === 0
if (!isRoot) {
  console.warn('up-root.test.ts: skipped: `up` from a 0700 checkout needs to run as root')
}

let dir: string
let mock: MockUpstream
let child: ChildProcess | null = null
let dataDir = ''

/** The checkout's files as a clone would have them (git's list; a plain copy outside git). */
function copyCheckout(from: string, to: string): void {
  let files: string[] | null = null
  try {
    files = repositoryFiles(from)
  } catch {}
  if (files) {
    copyFiles(from, files, to)
    return
  }
  const skip = new Set(['node_modules', '.git', 'test-output'])
  mkdirSync(to, { recursive: true })
  for (const name of readdirSync(from)) {
    if (!skip.has(name)) cpSync(join(from, name), join(to, name), { recursive: true })
  }
}

beforeAll(async () => {
  if (!isRoot) return
  dir = mkdtempSync(join(tmpdir(), 'tt-root-'))
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_root',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 7, output_tokens: 3 },
    }),
  )
})

afterAll(async () => {
  if (!isRoot) return
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  for (const pid of dataDir ? postmasters(dataDir) : []) process.kill(pid, 'SIGQUIT')
  await mock.stop()
  rmSync(dir, { recursive: true, force: true })
  if (dataDir.startsWith(join(SYSTEM_DIR, 'pg-data')))
    rmSync(dataDir, { recursive: true, force: true })
})

describe('as root, from a checkout in a 0700 directory', () => {
  test.skipIf(!isRoot)(
    'bun install && bun run start: Postgres as `postgres` from /var/lib/tokentap, a request recorded, Ctrl-C leaves nothing',
    async () => {
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      const repo = join(dir, 'tokentap')
      copyCheckout(REPO, repo)
      const install = Bun.spawnSync(['bun', 'install', '--frozen-lockfile', '--offline'], {
        cwd: repo,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
        stdout: 'pipe',
        stderr: 'pipe',
      })
      expect(install.exitCode).toBe(0)
      const home = join(dir, '.tokentap')
      dataDir = join(SYSTEM_DIR, 'pg-data', clusterName(home))

      const p = spawn('bun', ['run', 'start'], {
        cwd: repo,
        // Own process group: SIGINT to it is what a terminal's Ctrl-C does.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          PROXY_PORT: '0',
          DASHBOARD_PORT: '0',
          TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port}`,
          TOKENTAP_UPSTREAM_CA: mock.caPath,
          BATCH_INTERVAL_MS: '50',
          SHUTDOWN_GRACE_MS: '2000',
        },
      })
      child = p
      let stderr = ''
      p.stderr?.on('data', (b: Buffer) => {
        stderr += b.toString()
      })
      const exited = new Promise<number>((resolve) => p.once('exit', (code) => resolve(code ?? -1)))
      const group = {
        exited,
        kill: (signal: NodeJS.Signals | number = 'SIGTERM') => process.kill(-(p.pid ?? 0), signal),
      }

      const out = await banner(p.stdout)
      if (!out.includes('Ctrl-C stops everything.'))
        throw new Error(`no banner:\n${out}\n${stderr}`)
      const staged = stagedBinDir(SYSTEM_DIR, installedBinaries())
      expect(out).toContain(`(embedded, data in ${dataDir})`)
      expect(out).toContain(`postgres   ${staged} (runs as user postgres)`)
      expect(relative(repo, staged).startsWith('..')).toBe(true)
      const pgUid = Number(Bun.spawnSync(['id', '-u', 'postgres']).stdout.toString())
      expect(statSync(dataDir).uid).toBe(pgUid)
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
      expect(existsSync(join(home, 'pg.json'))).toBe(true)
      expect(statSync(join(home, 'pg.json')).mode & 0o777).toBe(0o600)

      const proxyUrl = field(out, /export HTTPS_PROXY=(\S+)/)
      const caPath = field(out, /export NODE_EXTRA_CA_CERTS=(\S+)/)
      const dashboardUrl = field(out, /dashboard\s+(http\S+)/)
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
      expect(JSON.parse(r.stdout.toString())).toMatchObject({ id: 'msg_root' })

      // The record reaches Postgres after a batch interval: ask the dashboard until it shows.
      type Events = { events: { model: string | null; inputTokens: number }[] }
      let page: Events = { events: [] }
      for (let i = 0; i < 80 && page.events.length === 0; i++) {
        page = (await (await fetch(`${dashboardUrl}/api/events`)).json()) as Events
        if (page.events.length === 0) await Bun.sleep(100)
      }
      expect(page.events).toHaveLength(1)
      expect(page.events[0]).toMatchObject({ model: 'claude-haiku-4-5' })

      group.kill('SIGINT')
      const code = await exitCode(group, 30_000)
      if (code !== 0) process.stderr.write(`tokentap up after SIGINT (exit ${code}):\n${stderr}\n`)
      expect(code).toBe(0)
      expect(postmasters(dataDir)).toEqual([])
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false)
    },
    120_000,
  )
})
