// `tokentap reprice` over Postgres: walks the selected usage_events rows in (started_at, id)
// order, one transaction per batch, and rewrites each changed row (recompute.ts) together with
// its rollup rows and session totals, so usage_rollup_hourly and usage_sessions stay equal to
// the events. Safe while proxies write:
// - a batch locks its rows (FOR NO KEY UPDATE, in started_at, id order; the writer never updates
//   a stored row, and bodies' key-share locks do not conflict), reads them, and in ONE statement
//   updates them and adds (new − old) per rollup key (shared/db rollupAdjust) and per session
//   (sessionsAdjust) in key order, the order the writer's rollupUpsert and sessionsUpsert take
//   row locks in (and rollup vs session rows in the writer's order: REWRITE): no deadlock, and
//   the additions commute under the row lock, so the sums stay exact whatever commits first;
// - the update is keyed by (id, started_at): a table partitioned by started_at prunes to one
//   partition per row, a plain one uses its primary key;
// - every committed batch NOTIFYs {"repriced": n} on the usage channel: dashboards drop their
//   cache of closed hours (rows changed in place).
// A dry run reads the same rows without locks and writes nothing.

import {
  type EventField,
  eventColumn,
  ident,
  rollupAdjust,
  type Sql,
  sessionsAdjust,
  TOKEN_FIELDS,
  USAGE_CHANNEL,
} from '@tokentap/shared/db'
import type { Recomputed, StoredRow } from './recompute.ts'
import { type RepriceReport, reportBuilder } from './report.ts'

export interface RepriceOptions {
  /** Rows started at or after it (null: from the first row). */
  since: Date | null
  /** Rows started before it: the reprice's start, so rows written meanwhile are left alone. */
  until: Date
  /** Model glob (`*`, `?`, case-insensitive); null: every model (and rows without one). */
  model: string | null
  dryRun: boolean
  recompute: (row: StoredRow) => Recomputed
  /** Rows per batch (one transaction each); default 1,000. */
  batchSize?: number
  /** After a batch's rows are rewritten, before it commits (tests: a writer racing the locks). */
  beforeCommit?: (batch: number) => Promise<void>
}

const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`
const NIL_UUID = '00000000-0000-0000-0000-000000000000'

/** What a reprice may rewrite (every other column stays as stored). */
const WRITTEN: readonly EventField[] = [
  ...TOKEN_FIELDS,
  'serviceTier',
  'inferenceGeo',
  'speed',
  'units',
  'subUsage',
  'audioInputTokens',
  'audioOutputTokens',
  'webSearches',
  'costUsd',
  'priceSource',
  'priceVersion',
  'unpricedUnits',
]
const WRITTEN_COLUMNS = WRITTEN.map(eventColumn)

const num = (c: string): string => `${ident(c)}::float8 as ${ident(c)}`
const READ = `id::text as id, to_char(started_at at time zone 'UTC', ${ISO_US}) as started_at,
  provider, host, model, billable, usage_source, credits::float8 as credits,
  ${TOKEN_FIELDS.map((k) => num(eventColumn(k).name)).join(', ')},
  cost_usd::text as cost_usd, price_source, price_version, raw_usage::text as raw_usage,
  service_tier, inference_geo, speed, units::text as units, sub_usage::text as sub_usage,
  ${num('audio_input_tokens')}, ${num('audio_output_tokens')}, ${num('web_searches')},
  unpriced_units::text as unpriced_units`

type Raw = Record<string, unknown>
const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
const json = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null)

function toStored(r: Raw): StoredRow {
  return {
    id: String(r.id),
    startedAt: String(r.started_at),
    provider: String(r.provider),
    host: String(r.host),
    model: s(r.model),
    billable: r.billable === true,
    usageSource: String(r.usage_source) as StoredRow['usageSource'],
    credits: n(r.credits),
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    cacheReadTokens: n(r.cache_read_tokens),
    cacheWrite5mTokens: n(r.cache_write_5m_tokens),
    cacheWrite1hTokens: n(r.cache_write_1h_tokens),
    reasoningTokens: n(r.reasoning_tokens),
    costUsd: n(r.cost_usd),
    priceSource: s(r.price_source),
    priceVersion: s(r.price_version),
    rawUsage: json(r.raw_usage),
    serviceTier: s(r.service_tier),
    inferenceGeo: s(r.inference_geo),
    speed: s(r.speed),
    units: json(r.units),
    subUsage: json(r.sub_usage),
    audioInputTokens: n(r.audio_input_tokens),
    audioOutputTokens: n(r.audio_output_tokens),
    webSearches: n(r.web_searches),
    unpricedUnits: json(r.unpriced_units),
  }
}

/** The rewritten rows as one JSON document keyed by column name (jsonb columns as JSON text). */
function rowsJson(rows: StoredRow[]): string {
  return JSON.stringify(
    rows.map((r) => {
      const o: Record<string, unknown> = { id: r.id, started_at: r.startedAt }
      for (const c of WRITTEN_COLUMNS) {
        const v = r[c.key as keyof StoredRow] ?? null
        o[c.name] = c.sqlType === 'jsonb' && v !== null ? JSON.stringify(v) : v
      }
      return o
    }),
  )
}

const typed = [
  'id uuid',
  'started_at timestamptz',
  ...WRITTEN_COLUMNS.map((c) => `${ident(c.name)} ${c.sqlType === 'jsonb' ? 'text' : c.sqlType}`),
].join(', ')
const assign = WRITTEN_COLUMNS.map(
  (c) => `${ident(c.name)} = n.${ident(c.name)}${c.sqlType === 'jsonb' ? '::jsonb' : ''}`,
).join(', ')

/** One statement: the rows' old values, the update, the rollup and the session totals moved
 *  from old to new, NOTIFY. The two adjustments sit where the writer's statement has its two
 *  folds (pg-write.ts TAIL: rollup, then sessions, neither read by the final select); Postgres runs
 *  such CTEs to completion last-first, so both take session row locks, then rollup row locks,
 *  each in key order: no deadlock between a reprice batch and a flush. */
const REWRITE = `with n as (select * from json_to_recordset($1::text::json) as x(${typed})),
old as (select e.* from usage_events e join n on e.id = n.id and e.started_at = n.started_at),
upd as (update usage_events e set ${assign}
  from n where e.id = n.id and e.started_at = n.started_at returning e.*)
, rollup as (
  ${rollupAdjust('old', 'upd')}
)
, sessions as (
  ${sessionsAdjust('old', 'upd')}
)
select count(*)::int as updated,
  pg_notify('${USAGE_CHANNEL}', json_build_object('repriced', count(*))::text)
from upd`

/** A model glob as an ILIKE pattern (`*` any run, `?` one character, the rest literal). */
export function globToLike(glob: string): string {
  return glob
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_')
}

function selectBatch(o: RepriceOptions, lock: boolean): string {
  return `select ${READ} from usage_events
    where started_at >= $1::timestamptz and started_at < $2::timestamptz
      and started_at >= $3::timestamptz
      and (started_at > $3::timestamptz or id > $4::uuid)
      ${o.model === null ? '' : `and model ilike $5 escape '\\'`}
    order by started_at, id limit ${Math.max(1, Math.floor(o.batchSize ?? 1000))}
    ${lock ? 'for no key update' : ''}`
}

/** Reprices the selected rows; returns what it examined and changed (or would, in a dry run). */
export async function repriceDatabase(sql: Sql, o: RepriceOptions): Promise<RepriceReport> {
  const report = reportBuilder(o.dryRun)
  const since = o.since?.toISOString() ?? '-infinity'
  let cursor = { ts: since, id: NIL_UUID }
  const text = selectBatch(o, !o.dryRun)
  for (let batch = 1; ; batch++) {
    const step = async (q: Pick<Sql, 'unsafe'>): Promise<Raw[]> => {
      const params = [since, o.until.toISOString(), cursor.ts, cursor.id]
      if (o.model !== null) params.push(globToLike(o.model))
      const rows = await q.unsafe(text, params)
      const changed: StoredRow[] = []
      for (const raw of rows) {
        const row = toStored(raw)
        let r: Recomputed
        try {
          r = o.recompute(row)
        } catch (e) {
          report.failed(row, e)
          continue
        }
        report.add(row, r)
        if (r.changed) changed.push(r.row)
      }
      if (!o.dryRun && changed.length > 0) {
        await q.unsafe(REWRITE, [rowsJson(changed)])
        await o.beforeCommit?.(batch)
      }
      return rows
    }
    const rows = o.dryRun ? await step(sql) : await sql.begin((tx) => step(tx))
    const last = rows[rows.length - 1]
    if (!last) break
    report.batch()
    cursor = { ts: String(last.started_at), id: String(last.id) }
  }
  return report.done()
}
