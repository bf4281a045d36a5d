// usage_events rows (cells from pg-rows.ts) in COPY's binary format (PostgreSQL docs, "COPY",
// Binary Format; each type's send/recv form): Postgres then parses no text, JSON or dates, the
// largest share of its CPU per row with the text methods (scripts/bench/ingest.ts).
//
// A cell is encoded only when its binary value is exactly what Postgres would read from the text
// the other methods send: timestamps only in the proxy's own ISO form ('…T…Z', years 1900–2200),
// numerics only as plain decimals, uuids only in the canonical form. Anything else makes the
// batch travel as JSON instead, so a record is stored the same whichever way it went; the
// primary key (id, started_at) relies on that for replays to stay idempotent.

import { EVENT_COLUMNS } from '@tokentap/shared/db'
import type { Cell } from './pg-rows.ts'

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
/** 2000-01-01T00:00:00Z, Postgres' timestamp epoch, in ms since 1970. */
const PG_EPOCH_MS = 946_684_800_000
const TWO32 = 4_294_967_296

/** The column types as a binary COPY target reads them: no typmods (numeric(14,8) → numeric),
 *  so the INSERT from the stage applies them exactly as a text cast would. */
export const COPY_TYPES: readonly string[] = EVENT_COLUMNS.map((c) =>
  c.sqlType.replace(/\(.*\)$/, ''),
)

class Out {
  buf = Buffer.allocUnsafe(64 * 1024)
  at = 0
  room(n: number): void {
    if (this.at + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n))
    this.buf.copy(next, 0, 0, this.at)
    this.buf = next
  }
  i16(v: number): void {
    this.room(2)
    this.at = this.buf.writeInt16BE(v, this.at)
  }
  i32(v: number): void {
    this.room(4)
    this.at = this.buf.writeInt32BE(v, this.at)
  }
  /** A safe integer as int64, big-endian. */
  i64(v: number): void {
    this.room(8)
    const hi = Math.floor(v / TWO32)
    this.at = this.buf.writeInt32BE(hi, this.at)
    this.at = this.buf.writeUInt32BE(v - hi * TWO32, this.at)
  }
  /** A length-prefixed UTF-8 field, `prefix` bytes first (jsonb's version byte). */
  text(s: string, prefix?: number): void {
    this.room(5 + s.length * 3)
    const start = this.at
    this.at += 4
    if (prefix !== undefined) this.buf[this.at++] = prefix
    this.at += this.buf.write(s, this.at, 'utf8')
    this.buf.writeInt32BE(this.at - start - 4, start)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/** Microseconds since 2000-01-01 of an ISO '…Z' timestamp, or null when Postgres might read the
 *  text otherwise (out-of-range fields it would refuse or roll over). */
export function timestampMicros(text: string): number | null {
  const m = TIMESTAMP.exec(text)
  if (!m) return null
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[]
  if (y! < 1900 || y! > 2200 || mo! < 1 || mo! > 12 || h! > 23 || mi! > 59 || s! > 59) return null
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)
  if (d! < 1 || new Date(ms).getUTCDate() !== d) return null // 2026-02-30 and the like
  return (ms - PG_EPOCH_MS) * 1000 + (m[7] ? Number(m[7].padEnd(6, '0')) : 0)
}

/** numeric's binary form (base-10000 digits) of a plain decimal; false when not one. */
function numeric(out: Out, text: string): boolean {
  const m = DECIMAL.exec(text)
  if (!m) return false
  const int = m[2]!.replace(/^0+/, '')
  const frac = m[3] ?? ''
  const digits: number[] = []
  const lead = int.length % 4
  if (lead > 0) digits.push(Number(int.slice(0, lead)))
  for (let i = lead; i < int.length; i += 4) digits.push(Number(int.slice(i, i + 4)))
  let weight = digits.length - 1
  for (let i = 0; i < frac.length; i += 4) digits.push(Number(frac.slice(i, i + 4).padEnd(4, '0')))
  let first = 0
  while (first < digits.length && digits[first] === 0) first++
  let last = digits.length
  while (last > first && digits[last - 1] === 0) last--
  weight -= first
  const kept = digits.slice(first, last)
  const zero = kept.length === 0
  out.room(12 + kept.length * 2)
  out.i32(8 + kept.length * 2)
  out.i16(kept.length)
  out.i16(zero ? 0 : weight)
  out.i16(m[1] === '-' && !zero ? 0x4000 : 0)
  out.i16(frac.length)
  for (const x of kept) out.i16(x)
  return true
}

type Encode = (out: Out, v: Cell) => boolean

function encoder(type: string): Encode {
  switch (type) {
    case 'uuid':
      return (out, v) => {
        if (typeof v !== 'string' || !UUID.test(v)) return false
        out.i32(16)
        out.room(16)
        out.at += out.buf.write(v.replaceAll('-', ''), out.at, 'hex')
        return true
      }
    case 'timestamp with time zone':
      return (out, v) => {
        const us = typeof v === 'string' ? timestampMicros(v) : null
        if (us === null) return false
        out.i32(8)
        out.i64(us)
        return true
      }
    case 'integer':
      return (out, v) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
          return false
        out.i32(4)
        out.i32(v)
        return true
      }
    case 'bigint':
      return (out, v) => {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false
        out.i32(8)
        out.i64(v)
        return true
      }
    case 'boolean':
      return (out, v) => {
        if (typeof v !== 'boolean') return false
        out.i32(1)
        out.room(1)
        out.buf[out.at++] = v ? 1 : 0
        return true
      }
    case 'numeric':
      return (out, v) => typeof v === 'string' && numeric(out, v)
    case 'jsonb':
    case 'text':
      return (out, v) => {
        if (typeof v !== 'string') return false
        out.text(v, type === 'jsonb' ? 1 : undefined) // jsonb: version byte 1, then the text
        return true
      }
    default:
      throw new Error(`no binary COPY encoding for SQL type ${type}`)
  }
}

const ENCODE = COPY_TYPES.map(encoder)

/** The COPY … (FORMAT binary) stream of `rows` in EVENT_COLUMNS order, or null when a cell has
 *  no exact binary form (the caller sends the batch as text). */
export function encodeCopyBinary(rows: readonly Cell[][]): Buffer | null {
  const out = new Out()
  out.room(SIGNATURE.length + 8)
  out.at += SIGNATURE.copy(out.buf, out.at)
  out.i32(0) // flags
  out.i32(0) // header extension length
  for (const r of rows) {
    out.i16(ENCODE.length)
    for (let i = 0; i < ENCODE.length; i++) {
      const v = r[i] ?? null
      if (v === null) out.i32(-1)
      else if (!ENCODE[i]!(out, v)) return null
    }
  }
  out.i16(-1) // trailer
  return out.buf.subarray(0, out.at)
}
