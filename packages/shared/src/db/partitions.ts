// Monthly partitions of usage_events (docs/ARCHITECTURE.md §6): one per UTC month of started_at,
// named usage_events_YYYY_MM. Made ahead of time (migrateDatabase, the proxy's hourly upkeep) and
// on demand by the writer; dropped whole by retention, with their captured bodies.
//
// There is no DEFAULT partition. A row for a month without a partition is refused (23514) and
// the writer creates the month and writes again (proxy sink/partitions.ts), so no row is ever
// parked where retention cannot see it; and without a default partition a partition is attached
// and detached under SHARE UPDATE EXCLUSIVE on usage_events (CREATE TABLE … LIKE, then ATTACH;
// DETACH … CONCURRENTLY): readers and writers never wait for partition upkeep.

import type postgres from 'postgres'

type Sql = postgres.Sql

/** Months created ahead of the current one. */
export const PARTITION_MONTHS_AHEAD = 3
/** pg_advisory_xact_lock key serialising partition creation across proxies and migrate steps. */
export const PARTITION_LOCK_KEY = '8390880400358473073'
/** pg_advisory_lock key held by the one proxy that runs a retention pass. */
export const RETENTION_LOCK_KEY = '8390880400358473074'

/** A UTC month, 'YYYY-MM'. */
export type Month = string

const PREFIX = 'usage_events_'
const NAME = /^usage_events_(\d{4})_(\d{2})$/

const pad = (n: number, w: number): string => String(n).padStart(w, '0')

/** The UTC month of an instant. */
export function monthOf(ms: number): Month {
  const d = new Date(ms)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}`
}

/** Epoch ms of the first instant of a month (UTC). */
export function monthStart(m: Month): number {
  return Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 1)
}

export function addMonths(m: Month, n: number): Month {
  const y = Number(m.slice(0, 4))
  const i = Number(m.slice(5, 7)) - 1 + n
  return monthOf(Date.UTC(y + Math.floor(i / 12), ((i % 12) + 12) % 12, 1))
}

/** The current month and the `ahead` after it. */
export function monthsFrom(nowMs: number, ahead: number = PARTITION_MONTHS_AHEAD): Month[] {
  const first = monthOf(nowMs)
  return Array.from({ length: ahead + 1 }, (_, i) => addMonths(first, i))
}

export function partitionName(m: Month): string {
  return `${PREFIX}${m.slice(0, 4)}_${m.slice(5, 7)}`
}

/** The month a partition name stands for; null for any other table name. */
export function partitionMonth(name: string): Month | null {
  const x = NAME.exec(name)
  return x && Number(x[2]) >= 1 && Number(x[2]) <= 12 ? `${x[1]}-${x[2]}` : null
}

/** The month of a started_at value written as the proxy writes it ('YYYY-MM-DDTHH:MM:SS…Z',
 *  UTC); null for any other form (Postgres reads those: see monthsOfTimestamps). */
export function monthOfTimestamp(text: string): Month | null {
  if (text.length < 20 || text.charCodeAt(text.length - 1) !== 90 /* Z */) return null
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T') return null
  const mm = Number(text.slice(5, 7))
  return /^\d{4}$/.test(text.slice(0, 4)) && mm >= 1 && mm <= 12 ? text.slice(0, 7) : null
}

/** Literal bounds of a month's partition, zone-independent. */
function bounds(m: Month): { from: string; to: string } {
  const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 10)} 00:00:00+00`
  return { from: iso(monthStart(m)), to: iso(monthStart(addMonths(m, 1))) }
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** True once migration 0008 made usage_events partitioned (older schemas: partition upkeep is a
 *  no-op). */
export async function isPartitioned(sql: Sql): Promise<boolean> {
  const [r] = await sql<{ p: boolean }[]>`
    select coalesce((select relkind = 'p' from pg_class
      where oid = to_regclass('usage_events')), false) as p`
  return r?.p ?? false
}

export interface PartitionTable {
  month: Month
  name: string
  /** attached: a partition; pending: DETACH … CONCURRENTLY was interrupted; detached: a
   *  standalone table left by an interrupted retention pass. */
  state: 'attached' | 'pending' | 'detached'
}

/** Tables named like partitions in usage_events' schema, oldest month first. */
export async function listPartitions(sql: Sql): Promise<PartitionTable[]> {
  const rows = await sql<{ name: string; parent: boolean; pending: boolean; other: boolean }[]>`
    select c.relname as name, i.inhrelid is not null as parent,
      coalesce(i.inhdetachpending, false) as pending,
      c.relispartition and i.inhrelid is null as other
    from pg_class c
    left join pg_inherits i on i.inhrelid = c.oid and i.inhparent = to_regclass('usage_events')
    where c.relkind = 'r' and c.relnamespace = (select relnamespace from pg_class
      where oid = to_regclass('usage_events'))
      and c.relname ~ '^usage_events_[0-9]{4}_[0-9]{2}$'`
  const out: PartitionTable[] = []
  for (const r of rows) {
    const month = partitionMonth(r.name)
    if (!month || r.other) continue
    const state = r.pending ? 'pending' : r.parent ? 'attached' : 'detached'
    out.push({ month, name: r.name, state })
  }
  return out.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
}

/** Creates the partitions of `months` that are missing; returns the months it created. One
 *  proxy at a time (advisory lock); LIKE usage_events, then ATTACH, so readers and writers do not
 *  wait. A standalone table of the month (an interrupted retention pass) is attached again. */
export async function ensurePartitions(sql: Sql, months: Iterable<Month>): Promise<Month[]> {
  const wanted = [...new Set(months)].sort()
  if (wanted.length === 0 || !(await isPartitioned(sql))) return []
  const attached = async (q: Sql | postgres.TransactionSql): Promise<Set<Month>> =>
    new Set(
      (await listPartitions(q as Sql)).filter((p) => p.state !== 'detached').map((p) => p.month),
    )
  const before = await attached(sql)
  if (wanted.every((m) => before.has(m))) return []
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY}::bigint)`
    await tx`set local lock_timeout = '10s'`
    const have = await attached(tx)
    const created: Month[] = []
    for (const m of wanted) {
      if (have.has(m)) continue
      const name = ident(partitionName(m))
      const [t] = await tx<
        { e: boolean }[]
      >`select to_regclass(${partitionName(m)}) is not null as e`
      if (!t?.e) {
        await tx.unsafe(`create table ${name} (like usage_events including all excluding indexes)`)
      }
      const b = bounds(m)
      await tx.unsafe(
        `alter table usage_events attach partition ${name} for values from ('${b.from}') to ('${b.to}')`,
      )
      created.push(m)
    }
    return created
  })
}

/** The current month's partition and the `ahead` months after it. */
export function ensurePartitionsAhead(
  sql: Sql,
  nowMs: number,
  ahead: number = PARTITION_MONTHS_AHEAD,
): Promise<Month[]> {
  return ensurePartitions(sql, monthsFrom(nowMs, ahead))
}

/** The UTC months of started_at texts as Postgres reads them (the writer asks when Postgres
 *  refused a row for want of a partition and its own reading could not tell). */
export async function monthsOfTimestamps(sql: Sql, texts: readonly string[]): Promise<Month[]> {
  const rows = await sql<{ m: string }[]>`
    select distinct to_char(date_trunc('month', t::timestamptz, 'UTC') at time zone 'UTC',
      'YYYY-MM') as m
    from unnest(${texts as string[]}::text[]) as t`
  return rows.map((r) => r.m)
}

/** Postgres refused a usage_events row because no partition holds its month (23514 without a
 *  constraint: the routing error, whatever the server's message language). */
export function isMissingPartition(e: unknown): boolean {
  const x = e as { code?: unknown; table_name?: unknown; constraint_name?: unknown } | null
  return x?.code === '23514' && x.table_name === 'usage_events' && !x.constraint_name
}

export interface DroppedPartition {
  month: Month
  /** Captured bodies deleted with it. */
  bodies: number
}

/** Retention: drops every partition whose whole month ends at or before `cutoffMs`, deleting
 *  its events' captured bodies; rollups are never touched. DETACH … CONCURRENTLY (outside a
 *  transaction, so `sql` must not be one), then the bodies, then DROP: an interrupted pass
 *  leaves a pending detach or a standalone table, which the next pass finishes. */
export async function dropPartitionsBefore(
  sql: Sql,
  cutoffMs: number,
): Promise<DroppedPartition[]> {
  if (!(await isPartitioned(sql))) return []
  const dropped: DroppedPartition[] = []
  for (const p of await listPartitions(sql)) {
    if (monthStart(addMonths(p.month, 1)) > cutoffMs) continue
    const name = ident(p.name)
    if (p.state === 'attached') {
      await sql.unsafe(`alter table usage_events detach partition ${name} concurrently`)
    } else if (p.state === 'pending') {
      await sql.unsafe(`alter table usage_events detach partition ${name} finalize`)
    }
    const bodies = await sql.unsafe(
      `delete from exchange_bodies b using ${name} e where b.event_id = e.id`,
    )
    await sql.unsafe(`drop table ${name}`)
    dropped.push({ month: p.month, bodies: bodies.count })
  }
  return dropped
}
