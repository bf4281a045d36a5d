// Instants written in a zone, from zone.ts's one formatter cache: `2026-01-15 11:00:03` for the
// dashboard's tables and date inputs, `Mon 23 Nov 2026 00:00` for budget windows in Slack.

import { localParts, zoneFormatter } from './zone.ts'

const pad = (n: number): string => String(n).padStart(2, '0')

/** Instant `ms` in `zone` as `2026-01-15 11:00:03`. */
export function formatDateTime(ms: number, zone: string): string {
  const p = localParts(ms, zone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`
}

/** `Mon 23 Nov 2026 00:00` in the zone. */
export function formatLocal(t: Date, zone: string): string {
  const p: Record<string, string> = {}
  for (const part of zoneFormatter(zone, 'label').formatToParts(t)) p[part.type] = part.value
  return `${p.weekday} ${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`
}
