// `tokentap reprice` as a user runs it, against a real Postgres: a dry run prints what would
// change and writes nothing, a run rewrites the mispriced rows (the rollup and the session's
// totals equal to the events again) and prints the totals by model, a second run changes nothing; the embedded Postgres of a
// running `tokentap up` is found through TOKENTAP_HOME; bad flags are usage errors.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  emptyBilling,
  emptyBuckets,
  GENAI_PRICES_VERSION,
  type UsageRecord,
  unitColumns,
} from '@tokentap/shared'
import { insertRecords, makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { testContext } from '../src/cli/testing/context.ts'
import { main } from '../src/main.ts'
import { writeState } from '../src/state/state.ts'
import { writeCredentials } from '../src/up/pg-credentials.ts'

let db: TestDatabase
let dir: string

const SONNET = 'claude-sonnet-4-5-20250929'
function rec(minute: number, o: Partial<UsageRecord>): UsageRecord {
  const [base] = makeRecords(1, { seed: 4 })
  return {
    ...base!,
    id: Bun.randomUUIDv7(),
    startedAt: new Date(Date.UTC(2026, 3, 1, 10, minute)).toISOString(),
    provider: 'anthropic',
    model: SONNET,
    outcome: 'ok',
    usageSource: 'provider',
    billable: true,
    credits: null,
    session: 'cli-session',
    ...emptyBuckets(),
    ...emptyBilling(),
    ...unitColumns(null),
    unpricedUnits: null,
    priceSource: 'genai-prices',
    priceVersion: GENAI_PRICES_VERSION,
    ...o,
  }
}

// $3 in, $15 out per MTok (Anthropic's published Sonnet 4.5 prices): 1000 in + 100 out = $0.0045.
const ROWS = [
  rec(1, {
    rawUsage: { input_tokens: 1000, output_tokens: 100 },
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 2,
  }),
  rec(2, {
    rawUsage: { input_tokens: 1000, output_tokens: 100 },
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: null,
    priceSource: 'unpriced',
  }),
  rec(3, {
    rawUsage: { input_tokens: 1000, output_tokens: 100 },
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 0.0045,
  }),
  rec(4, {
    model: 'mystery-1',
    rawUsage: { input_tokens: 5 },
    inputTokens: 5,
    costUsd: null,
    priceSource: 'unpriced',
  }),
]

beforeAll(async () => {
  db = await testDatabase()
  dir = mkdtempSync(join(tmpdir(), 'tt-reprice-cli-'))
  await insertRecords(db.sql, ROWS)
}, 60_000)
afterAll(async () => {
  await db?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const NOW = '2026-11-23 12:00:00 UTC' // testContext's clock
const costs = async () =>
  (await db.sql`select cost_usd::text as c from usage_events order by started_at`).map((r) => r.c)

describe('tokentap reprice', () => {
  test('--dry-run prints the change by model and writes nothing', async () => {
    const before = await costs()
    const ctx = testContext({ DATABASE_URL: db.url, TOKENTAP_HOME: dir })
    expect(await main(['reprice', '--dry-run'], ctx)).toBe(0)
    const out = ctx.output()
    expect(out).toStartWith(
      'tokentap reprice (dry run: nothing written): DATABASE_URL (postgres://',
    )
    expect(out).not.toContain(new URL(db.url).password || '\u0000')
    expect(out).toContain(`prices: ${GENAI_PRICES_VERSION} · no TOKENTAP_PRICES`)
    expect(out).toContain(`rows: started before ${NOW}\n`)
    expect(out).toMatch(
      /claude-sonnet-4-5-20250929\s+3\s+2\s+0\s+1 → 0\s+0\s+\$2\.0045 → \$0\.0135\n/,
    )
    expect(out).toMatch(/mystery-1\s+1\s+0\s+0\s+1\s+0\s+\$0\.00\n/)
    expect(out).toContain('2 of 4 rows would change; run without --dry-run to write them.')
    expect(await costs()).toEqual(before)
  })

  test('a run writes them; a second run changes nothing', async () => {
    const ctx = testContext({ DATABASE_URL: db.url })
    expect(await main(['reprice', '--since', '2026-04-01', '--model', 'claude-*'], ctx)).toBe(0)
    expect(ctx.output()).toContain(
      `rows: started from 2026-04-01 00:00:00 UTC before ${NOW}, model claude-*`,
    )
    expect(ctx.output()).toContain(
      '2 of 3 rows changed in 1 batches; the hourly rollups and session totals moved with them.',
    )
    expect(await costs()).toEqual(['0.00450000', '0.00450000', '0.00450000', null])
    const [r] = await db.sql`select sum(cost_usd)::text as c, sum(unpriced_requests)::int as u
      from usage_rollup_hourly`
    expect(r).toEqual({ c: '0.01350000', u: 1 })
    const [s] = await db.sql`select cost_usd::text as c, unpriced_requests::int as u
      from usage_sessions where session = 'cli-session'`
    expect(s).toEqual({ c: '0.01350000', u: 1 })
    const again = testContext({ DATABASE_URL: db.url })
    expect(await main(['reprice'], again)).toBe(0)
    expect(again.output()).toContain('0 of 4 rows changed')
  })

  test('finds the embedded Postgres of a running `tokentap up` (TOKENTAP_HOME)', async () => {
    const url = new URL(db.url)
    writeCredentials(join(dir, 'pg.json'), {
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      port: Number(url.port),
      database: url.pathname.slice(1),
    })
    writeState(join(dir, 'up.json'), {
      pid: process.pid,
      startedAt: '2026-11-23T11:00:00.000Z',
      proxy: { host: '127.0.0.1', port: 8080 },
      dashboard: { host: '127.0.0.1', port: 3000 },
      caCert: join(dir, 'ca.pem'),
      logFile: join(dir, 'tokentap.log'),
      embeddedDataDir: join(dir, 'pg'),
    })
    const ctx = testContext({ TOKENTAP_HOME: dir })
    expect(await main(['reprice', '--dry-run'], ctx)).toBe(0)
    expect(ctx.output()).toContain(`the embedded Postgres of \`tokentap up\` (pid ${process.pid}`)
    expect(ctx.output()).toContain('0 of 4 rows would change')
  })

  test('TOKENTAP_PRICES is read as the proxy reads it; bad input is refused clearly', async () => {
    const prices = join(dir, 'prices.json')
    writeFileSync(
      prices,
      '{"models":[{"provider":"anthropic","model":"mystery-*","inputPerMTok":2,"outputPerMTok":4}]}',
    )
    const ctx = testContext({ DATABASE_URL: db.url, TOKENTAP_PRICES: prices })
    expect(await main(['reprice', '--model', 'mystery-?'], ctx)).toBe(0)
    expect(ctx.output()).toMatch(
      /prices: genai-prices@[\d.]+ · TOKENTAP_PRICES prices\.json \(overrides:[0-9a-f]{12}\)/,
    )
    expect(ctx.output()).toMatch(/mystery-1\s+1\s+1\s+0\s+1 → 0\s+0\s+\$0\.00 → \$0\.00001\n/)

    writeFileSync(prices, '{"models":[{"provider":"x"}]}')
    const bad = testContext({ DATABASE_URL: db.url, TOKENTAP_PRICES: prices })
    expect(await main(['reprice'], bad)).toBe(1)
    expect(bad.stderr.join('')).toContain('configuration error: TOKENTAP_PRICES')
    const since = testContext({ DATABASE_URL: db.url })
    expect(await main(['reprice', '--since', 'yesterday'], since)).toBe(2)
    expect(since.stderr.join('')).toContain('--since: expected a date')
    const local = testContext({ DATABASE_URL: db.url })
    expect(await main(['reprice', '--since', '2026-04-01T10:00'], local)).toBe(2)
    const none = testContext({ TOKENTAP_HOME: join(dir, 'nowhere') })
    expect(await main(['reprice'], none)).toBe(1)
    expect(none.stderr.join('')).toContain('no database: set DATABASE_URL')
  })
})
