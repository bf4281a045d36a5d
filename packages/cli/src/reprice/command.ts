// `tokentap reprice [--since DATE] [--model GLOB] [--dry-run]`: stored requests recomputed with
// the current price tables (@tokentap/proxy/reprice does the work: the proxy owns every write of
// usage rows); the database found as database.ts says; the report as report.ts prints it.

import { basename } from 'node:path'
import { loadRepriceTables, recomputeWith, repriceDatabase } from '@tokentap/proxy/reprice'
import { GENAI_PRICES_VERSION, readString } from '@tokentap/shared'
import { connect } from '@tokentap/shared/db'
import { boolFlag, noExtraPositionals, parseArgs, stringFlag, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { findDatabase, NoDatabaseError } from './database.ts'
import { renderReport } from './report.ts'

/** YYYY-MM-DD (UTC midnight) or an ISO 8601 instant with its zone (Z or ±hh:mm). */
export function parseSince(text: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)
  const ms = Date.parse(iso)
  if (!zoned || Number.isNaN(ms)) {
    throw new UsageError(
      `--since: expected a date (2026-01-31, UTC midnight) or an instant with its zone (2026-01-31T09:00:00+01:00), got ${text}`,
    )
  }
  return new Date(ms)
}

/** Postgres says a column is missing: the schema is older than this tokentap. */
const UNDEFINED_COLUMN = '42703'

export const reprice: CommandDef = {
  name: 'reprice',
  summary: 'recompute stored costs with the current price tables (rollups kept equal)',
  usage: `tokentap reprice [--since DATE] [--model GLOB] [--dry-run]

Recomputes cost_usd, price_source, price_version and unpriced_units of stored requests with the
current price tables (the bundled genai-prices, TOKENTAP_PRICES), re-reading each row's provider
usage (raw_usage) where its format allows (rows of Amazon Q, field-map providers, estimated rows
and rows without raw_usage keep their token counts). Batch by batch, each row and the hourly
rollups move in one transaction: safe while proxies write, and a second run changes nothing.
Prints rows examined and changed and the cost before → after, by model.

  --since DATE   rows started at or after DATE (2026-01-31 = UTC midnight, or an ISO instant)
  --model GLOB   only models matching GLOB (* any run, ? one character, case-insensitive)
  --dry-run      compute and print, write nothing

The database: DATABASE_URL, else the embedded Postgres of a running \`tokentap up\`.
TOKENTAP_PRICES and TOKENTAP_PROVIDERS are read as the proxy reads them.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, {
      since: { type: 'string' },
      model: { type: 'string' },
      'dry-run': { type: 'boolean' },
    })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const sinceText = stringFlag(a, 'since')
    const since = sinceText === undefined ? null : parseSince(sinceText)
    const model = stringFlag(a, 'model') ?? null
    if (model !== null && model.trim() === '') throw new UsageError('--model: expected a glob')
    const dryRun = boolFlag(a, 'dry-run')
    const tables = loadRepriceTables(ctx.env)
    let db: ReturnType<typeof findDatabase>
    try {
      db = findDatabase(ctx.env)
    } catch (e) {
      if (!(e instanceof NoDatabaseError)) throw e
      ctx.err(`tokentap reprice: ${e.message}\n`)
      return EXIT.failed
    }
    const until = ctx.now()
    const { sql } = connect(db.url, { max: 2, applicationName: 'tokentap-reprice' })
    try {
      const report = await repriceDatabase(sql, {
        since,
        until,
        model,
        dryRun,
        recompute: recomputeWith(tables),
      })
      const prices = readString(ctx.env, 'TOKENTAP_PRICES')
      ctx.out(
        renderReport(report, {
          database: db.describe,
          genaiPrices: GENAI_PRICES_VERSION,
          overrides:
            tables.overrides && prices
              ? { version: tables.overrides.version, file: basename(prices) }
              : null,
          since,
          until,
          model,
        }),
      )
      return report.failed > 0 ? EXIT.failed : EXIT.ok
    } catch (e) {
      if ((e as { code?: unknown }).code === UNDEFINED_COLUMN) {
        ctx.err(
          `tokentap reprice: the database's schema is older than this tokentap (${(e as Error).message}); start the proxy or \`tokentap up\` once to migrate it\n`,
        )
        return EXIT.failed
      }
      throw e
    } finally {
      await sql.end({ timeout: 5 })
    }
  },
}
