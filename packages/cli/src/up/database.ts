// Before the proxy starts, `tokentap up` makes the database ready: created if missing (embedded
// server) and migrated, so the proxy starts on a ready schema (it would migrate in the background
// otherwise, and a quick Ctrl-C would interrupt that), and a DATABASE_URL that names no usable
// Postgres fails start-up with one line instead of a proxy that spools forever. Bounded in time:
// a probe first asks the server whether it speaks Postgres at all (postgres.js would wait forever
// on some other protocols), then the migration itself has a deadline.

import { connect as tcpConnect } from 'node:net'
import { migrateDatabase, postgres, type Sql } from '@tokentap/shared/db'
import { StartupError } from './failure.ts'
import { probeFailure, probeTarget, SSL_REQUEST } from './probe.ts'

export interface PrepareOptions {
  /** Create this database first, connecting through `adminUrl` (embedded server only). */
  create?: { adminUrl: string; database: string }
  log: (msg: string) => void
  /** What the messages call the database, e.g. "the database at DATABASE_URL (…)". */
  describe: string
  /** The fix a failure message ends with. */
  fix: string
  timeoutMs?: number
}

function pool(url: string, max: number): Sql {
  return postgres(url, { max, onnotice: () => {}, connect_timeout: 10, idle_timeout: 5 })
}

async function run(url: string, o: PrepareOptions, pools: Sql[]): Promise<void> {
  if (o.create) {
    const admin = pool(o.create.adminUrl, 1)
    pools.push(admin)
    const name = o.create.database
    const rows = await admin`select 1 from pg_database where datname = ${name}`
    if (rows.length === 0) await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`)
    await admin.end()
  }
  const sql = pool(url, 2)
  pools.push(sql)
  await migrateDatabase(sql, { log: o.log })
  await sql.end()
}

/** Sends an SSLRequest and reads the first bytes back; null when the server speaks Postgres. */
function probe(host: string, port: number, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let reply = Buffer.alloc(0)
    const socket = tcpConnect(port, host, () => socket.write(SSL_REQUEST))
    const done = (result: string | null): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => done(probeFailure(reply, null, `${host}:${port}`)), ms)
    socket.on('data', (b: Buffer) => {
      reply = Buffer.concat([reply, b])
      done(probeFailure(reply, null, `${host}:${port}`))
    })
    socket.on('end', () => done(probeFailure(reply, 'closed', `${host}:${port}`)))
    socket.on('error', (e: NodeJS.ErrnoException) =>
      done(probeFailure(reply, e.code ?? e.message, `${host}:${port}`)),
    )
  })
}

export async function prepareDatabase(url: string, o: PrepareOptions): Promise<void> {
  const target = probeTarget(url)
  if (target) {
    const problem = await probe(target.host, target.port, 5_000)
    if (problem) throw new StartupError(`cannot migrate ${o.describe}: ${problem}; ${o.fix}`)
  }
  const pools: Sql[] = []
  const ms = o.timeoutMs ?? 30_000
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)
  })
  try {
    await Promise.race([run(url, o, pools), timeout])
  } catch (e) {
    const cause = ((e as Error).message ?? String(e)).split('\n')[0]
    throw new StartupError(`cannot migrate ${o.describe}: ${cause}; ${o.fix}`)
  } finally {
    clearTimeout(timer)
    await Promise.all(pools.map((p) => p.end({ timeout: 0 }).catch(() => undefined)))
  }
}
