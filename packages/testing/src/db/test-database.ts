// Test databases: testDatabase() hands out a fresh, migrated database per call
// (tokentap_test_<random>) on ONE Postgres per process — an embedded server started lazily,
// or the server at TEST_DATABASE_URL. preload.ts stops the embedded server after `bun test`.

import { randomBytes } from 'node:crypto'
import { migrateDatabase, postgres, type Sql } from '@tokentap/shared/db'
import { type EmbeddedServer, startEmbeddedServer } from './embedded.ts'

export interface TestDatabase {
  name: string
  url: string
  /** Pool on the new database (max 10); ended by drop(). */
  sql: Sql
  /** Close `sql` and drop the database. */
  drop(): Promise<void>
}

interface Server {
  embedded: EmbeddedServer | null
  urlFor(database: string): string
  admin: Sql
}

let server: Promise<Server> | null = null

function quiet(url: string, max: number): Sql {
  return postgres(url, { max, onnotice: () => {}, connect_timeout: 10, idle_timeout: 20 })
}

async function startServerOnce(): Promise<Server> {
  const external = process.env.TEST_DATABASE_URL
  if (external) {
    const base = new URL(external)
    const urlFor = (db: string): string => {
      const u = new URL(base)
      u.pathname = `/${db}`
      return u.toString()
    }
    return { embedded: null, urlFor, admin: quiet(external, 2) }
  }
  const embedded = await startEmbeddedServer({ fast: true })
  return { embedded, urlFor: embedded.urlFor, admin: quiet(embedded.urlFor('postgres'), 2) }
}

function getServer(): Promise<Server> {
  if (!server) {
    server = startServerOnce()
    server.catch(() => {
      server = null
    })
  }
  return server
}

export async function testDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const s = await getServer()
  const name = `tokentap_test_${randomBytes(6).toString('hex')}`
  await s.admin.unsafe(`create database "${name}"`)
  const url = s.urlFor(name)
  const sql = quiet(url, 10)
  if (opts.migrate !== false) await migrateDatabase(sql)
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 1 })
      await s.admin.unsafe(`drop database if exists "${name}" with (force)`)
    },
  }
}

/** URL of another database on the same server as the test databases (e.g. 'postgres'). */
export async function serverUrl(database = 'postgres'): Promise<string> {
  return (await getServer()).urlFor(database)
}

/** True when tests may stop/start the server (embedded mode, not TEST_DATABASE_URL). */
export function canControlServer(): boolean {
  return !process.env.TEST_DATABASE_URL
}

function embeddedOrThrow(s: Server): EmbeddedServer {
  if (!s.embedded) throw new Error('stopServer/startServer need the embedded server')
  return s.embedded
}

/** Fault injection: stop the embedded Postgres (every connection drops). */
export async function stopServer(): Promise<void> {
  await embeddedOrThrow(await getServer()).stop()
}

/** Start it again on the same port and data dir. */
export async function startServer(): Promise<void> {
  await embeddedOrThrow(await getServer()).start()
}

/** Stop the embedded server and delete its files; the next testDatabase() starts a new one. */
async function shutdownTestServer(): Promise<void> {
  if (!server) return
  const s = await server.catch(() => null)
  server = null
  if (!s) return
  await s.admin.end({ timeout: 1 }).catch(() => undefined)
  await s.embedded?.destroy()
}
// preload.ts calls this from a global afterAll without importing (and so starting) anything.
;(globalThis as Record<symbol, unknown>)[Symbol.for('tokentap.test-db.shutdown')] =
  shutdownTestServer
