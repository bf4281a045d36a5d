// Pure formatting for the pages: durations, times in the viewer's time zone (through
// @tokentap/shared/time, the zone engine and formatter cache budget windows use too) and
// dimension labels. Counts, token figures and money: @tokentap/shared/api (format.ts), shared
// with `tokentap top`.

import { formatDateTime } from '@tokentap/shared/time'

/** 850 → "850 ms", 12_300 → "12.3 s", 185_000 → "3 min 5 s", 9_000_000 → "2 h 30 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`
  if (ms < 3_600_000) {
    const s = Math.round(ms / 1000)
    return `${Math.floor(s / 60)} min ${s % 60} s`
  }
  const min = Math.round(ms / 60_000)
  return `${Math.floor(min / 60)} h ${min % 60} min`
}

/** ISO instant → "2026-01-15 11:00:03" in `timeZone` ("—" for null or a bad date). */
export function formatTime(iso: string | Date | null, timeZone: string): string {
  if (iso === null) return '—'
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime()
  return Number.isNaN(ms) ? '—' : formatDateTime(ms, timeZone)
}

/** Date only, "2026-01-15", in `timeZone`. */
export function formatDate(iso: string | Date, timeZone: string): string {
  return formatTime(iso, timeZone).slice(0, 10)
}

/** '' / null dimension values read "(none)". */
export const dimensionLabel = (v: string | null): string => (v === null || v === '' ? '(none)' : v)
