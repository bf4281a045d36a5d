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

/** Each column's type without its typmod (numeric(14,8) is sent as numeric; the column's recv
 *  applies the typmod, rounding as a text cast does). */
const COPY_TYPES: readonly string[] = EVENT_COLUMNS.map((c) => c.sqlType.replace(/\(.*\)$/, ''))

/** A growing buffer written byte by byte (faster than Buffer's bounds-checked writers for the
 *  many small fields of a row). */
class Out {
  buf = Buffer.allocUnsafe(256 * 1024)
  at = 0
  room(n: number): void {
    if (this.at + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n))
    this.buf.copy(next, 0, 0, this.at)
    this.buf = next
  }
  i16(v: number): void {
    this.room(2)
    const b = this.buf
    b[this.at++] = (v >> 8) & 0xff
    b[this.at++] = v & 0xff
  }
  i32(v: number): void {
    this.room(4)
    const b = this.buf
    b[this.at++] = (v >>> 24) & 0xff
    b[this.at++] = (v >>> 16) & 0xff
    b[this.at++] = (v >>> 8) & 0xff
    b[this.at++] = v & 0xff
  }
  /** A safe integer as int64, big-endian. */
  i64(v: number): void {
    const hi = Math.floor(v / TWO32)
    this.i32(hi)
    this.i32(v - hi * TWO32)
  }
  /** A length-prefixed UTF-8 field, `prefix` bytes first (jsonb's version byte). */
  text(s: string, prefix?: number): void {
    const n = s.length
    this.room(5 + n * 3)
    const b = this.buf
    const start = this.at
    let at = start + 4
    if (prefix !== undefined) b[at++] = prefix
    let i = 0
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) break
      b[at++] = c
    }
    if (i < n) at += b.write(s.slice(i), at, 'utf8')
    this.at = start
    this.i32(at - start - 4)
    this.at = at
  }
}

/** Hex digit values by char code; -1 for anything else. */
const HEX = new Int8Array(128).fill(-1)
for (let c = 0; c < 10; c++) HEX[48 + c] = c
for (let c = 0; c < 6; c++) {
  HEX[65 + c] = 10 + c
  HEX[97 + c] = 10 + c
}

/** A canonical uuid (8-4-4-4-12 hex digits, either case) as 16 bytes; false otherwise. */
function uuid(out: Out, v: string): boolean {
  if (v.length !== 36) return false
  out.i32(16)
  out.room(16)
  const b = out.buf
  let at = out.at
  for (let i = 0; i < 36; ) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (v.charCodeAt(i) !== 45) return false
      i++
      continue
    }
    const h = HEX[v.charCodeAt(i)] ?? -1
    const l = HEX[v.charCodeAt(i + 1)] ?? -1
    if (h < 0 || l < 0) return false
    b[at++] = (h << 4) | l
    i += 2
  }
  out.at = at
  return true
}
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/** Microseconds since 2000-01-01 of an ISO '…Z' timestamp, or null when Postgres might read the
 *  text otherwise (out-of-range fields it would refuse or roll over). */
export function timestampMicros(text: string): number | null {
  const m = TIMESTAMP.exec(text)
  if (!m) return null
  const hour = hourStart(text.slice(0, 13))
  const mi = Number(m[5])
  const s = Number(m[6])
  if (hour === null || mi > 59 || s > 59) return null
  const frac = m[7] ? Number(m[7].padEnd(6, '0')) : 0
  return (hour + mi * 60_000 + s * 1000 - PG_EPOCH_MS) * 1000 + frac
}

/** ms of a valid 'YYYY-MM-DDTHH' (years 1900–2200), else null; the last one is remembered
 *  (a batch's rows mostly share their hour). */
let lastHour = ''
let lastHourMs: number | null = null
function hourStart(prefix: string): number | null {
  if (prefix === lastHour) return lastHourMs
  const y = Number(prefix.slice(0, 4))
  const mo = Number(prefix.slice(5, 7))
  const d = Number(prefix.slice(8, 10))
  const h = Number(prefix.slice(11, 13))
  let ms: number | null = Date.UTC(y, mo - 1, d, h)
  // Postgres refuses what Date.UTC would roll over (2026-02-30, hour 24 is read as the next day).
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || h > 23) ms = null
  else if (new Date(ms).getUTCDate() !== d) ms = null
  lastHour = prefix
  lastHourMs = ms
  return ms
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
      return (out, v) => typeof v === 'string' && uuid(out, v)
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
