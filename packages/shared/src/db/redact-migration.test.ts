// Migration 0003 scrubs rows stored before the proxy redacted paths (finding 3 of issue 13):
// dirty rows go in under the migrations before it, then 0003 runs; its SQL must agree with
// redactPath() and redact() on the shared case table (redact-cases.ts).

import { afterAll, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { redactPath } from '../redact.ts'
import { PATH_CASES, TEXT_CASES } from '../redact-cases.ts'
import { migrateDatabase } from './migrate.ts'
import { migrationsUpTo, removeMigrationCopies } from './testing/migrations.ts'

const SCRUB_TAG = '0003_redact_secret_params'
const dbs: TestDatabase[] = []
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()))
  removeMigrationCopies()
})

describe('finding 3: migration 0003 scrubs secrets from rows already stored', () => {
  test('usage_events.path and exchange_bodies end as redactPath()/redact() make them', async () => {
    const db = await testDatabase({ migrate: false })
    dbs.push(db)
    const { sql } = db
    await migrateDatabase(sql, { migrationsFolder: migrationsUpTo(SCRUB_TAG) })

    const paths = PATH_CASES.map(([path]) => ({ id: randomUUID(), path }))
    for (const { id, path } of paths) {
      await sql`
        insert into usage_events (id, started_at, duration_ms, provider, host, method, path,
          stream, transport, outcome, usage_source, billable, request_bytes, response_bytes)
        values (${id}, now(), 1, 'google', 'generativelanguage.googleapis.com', 'POST', ${path},
          false, 'http', 'ok', 'provider', true, 1, 1)`
    }
    const bodies = TEXT_CASES.map(([text]) => ({ id: randomUUID(), text }))
    for (const { id, text } of bodies) {
      await sql`
        insert into usage_events (id, started_at, duration_ms, provider, host, method, path,
          stream, transport, outcome, usage_source, billable, request_bytes, response_bytes)
        values (${id}, now(), 1, 'openai', 'api.openai.com', 'POST', '/v1/responses',
          false, 'http', 'ok', 'provider', true, 1, 1)`
      await sql`insert into exchange_bodies (event_id, request, response)
        values (${id}, ${text}, ${`out: ${text}`})`
    }
    const clean = paths.find((p) => p.path === '/v1/messages?beta=true')!
    const xmin = async (id: string): Promise<string> =>
      (await sql<{ x: string }[]>`select xmin::text as x from usage_events where id = ${id}`)[0]!.x
    const cleanXmin = await xmin(clean.id)

    const r = await migrateDatabase(sql, {
      migrationsFolder: migrationsUpTo(SCRUB_TAG, { through: true }),
    })
    expect(r.applied).toBe(1)

    const rows = await sql<{ id: string; path: string }[]>`select id, path from usage_events`
    const byId = new Map(rows.map((row) => [row.id, row.path]))
    for (const [i, { id, path }] of paths.entries()) {
      const stored = byId.get(id)
      expect({ path, stored }).toEqual({ path, stored: redactPath(path) })
      expect(stored).toBe(PATH_CASES[i]![1])
    }
    const stored = await sql<{ id: string; request: string; response: string }[]>`
      select event_id as id, request, response from exchange_bodies`
    const bodyById = new Map(stored.map((row) => [row.id, row]))
    for (const [i, { id, text }] of bodies.entries()) {
      const expected = TEXT_CASES[i]![1]
      expect({ text, got: bodyById.get(id)?.request }).toEqual({ text, got: expected })
      expect(bodyById.get(id)?.response).toBe(`out: ${expected}`)
    }
    // Rows with nothing to scrub are not rewritten, and the helper functions are gone.
    expect(await xmin(clean.id)).toBe(cleanXmin)
    const [fns] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_proc where proname like 'tokentap\_%'`
    expect(fns?.n).toBe(0)
  })
})
