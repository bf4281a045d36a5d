// Column lists derived from the drizzle tables (schema.ts), for the SQL written by hand (the
// writer's bulk insert, seeds, the rollup): same names, same types, no list to keep in step.
// The compiler proves that a UsageRecord and a usage_events row have the same fields.

import { getTableColumns, type Table } from 'drizzle-orm'
import { emptyBuckets, type TokenBuckets, type UsageRecord } from '../usage.ts'
import { type UsageEventRow, usageEvents } from './schema.ts'

export interface ColumnSpec<K extends string = string> {
  /** The drizzle key (camelCase); for usage_events, the UsageRecord field. */
  key: K
  /** The SQL name (snake_case). */
  name: string
  /** As in DDL: 'bigint', 'numeric(14, 8)', 'timestamp with time zone' … */
  sqlType: string
  notNull: boolean
  /** The column's literal DEFAULT (text, number, boolean), if it has one: what a record that
   *  lacks the field (an older spooled one) stores. */
  default?: string | number | boolean
}

const literal = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/** A table's columns in the schema's order (a live table may differ: ADD COLUMN appends, so
 *  SQL built from these lists always names its columns). */
export function columnsOf<T extends Table>(
  table: T,
): Array<ColumnSpec<Extract<keyof T['_']['columns'], string>>> {
  return Object.entries(getTableColumns(table)).map(([key, c]) => ({
    key: key as Extract<keyof T['_']['columns'], string>, // Object.entries widens keys to string
    name: c.name,
    sqlType: c.getSQLType(),
    notNull: c.notNull,
    ...(literal(c.default) ? { default: c.default } : {}),
  }))
}

/** A quoted SQL identifier (bare `user` is the current role). */
export const ident = (name: string): string => `"${name}"`

/** usage_events columns the database fills (defaults), not UsageRecord fields. */
const DATABASE_FILLED = ['recordedAt'] as const satisfies ReadonlyArray<keyof UsageEventRow>
type RecordColumns = Exclude<keyof UsageEventRow, (typeof DATABASE_FILLED)[number]>

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Proof<T extends true> = T
/** A usage_events column a UsageRecord fills. Compiles only while every UsageRecord field is a
 *  usage_events column (same key) and every column but DATABASE_FILLED a UsageRecord field. */
export type EventField =
  Proof<Same<keyof UsageRecord, RecordColumns>> extends true ? RecordColumns : never

export type EventColumn = ColumnSpec<EventField>
const filled: ReadonlySet<string> = new Set(DATABASE_FILLED)
/** The usage_events columns a UsageRecord fills, in schema order: what the writer inserts. */
export const EVENT_COLUMNS: readonly EventColumn[] = columnsOf(usageEvents).filter(
  (c): c is EventColumn => !filled.has(c.key),
)

/** The token buckets (TokenBuckets' fields; emptyBuckets() has exactly them). */
export const TOKEN_FIELDS = Object.keys(emptyBuckets()) as Array<keyof TokenBuckets>

/** The usage_events column of a UsageRecord field. */
export function eventColumn(key: EventField): EventColumn {
  const c = EVENT_COLUMNS.find((x) => x.key === key)
  if (!c) throw new Error(`usage_events has no column for ${key}`) // unreachable: EventField
  return c
}

/** `select <columns> from json_to_recordset(<param>)`: usage_events rows from one JSON array of
 *  objects keyed by column name, jsonb columns as JSON text (parsed by the cast). */
export function eventsFromJson(param: string): string {
  const select = EVENT_COLUMNS.map((c) =>
    c.sqlType === 'jsonb' ? `${ident(c.name)}::jsonb` : ident(c.name),
  )
  const typed = EVENT_COLUMNS.map(
    (c) => `${ident(c.name)} ${c.sqlType === 'jsonb' ? 'text' : c.sqlType}`,
  )
  return `select ${select.join(', ')}
  from json_to_recordset(${param}::text::json) as x(${typed.join(', ')})`
}

/** The column list of an insert into usage_events in EVENT_COLUMNS order. */
export const EVENT_COLUMN_LIST = EVENT_COLUMNS.map((c) => ident(c.name)).join(', ')
