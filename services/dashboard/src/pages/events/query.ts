// Event-log data: one keyset page of events (newest first) plus the filter drop-down values;
// and the live query, events newer than the newest one shown.

import type { Dimension, EventPage, EventRow, Filters } from '@tokentap/shared/api'
import type { DataAccess } from '../../data/types.ts'

export const PAGE_SIZE = 50
/** At most this many rows are prepended per live refresh. */
export const LIVE_LIMIT = 200
/** `after` when the page showed no event yet: every UUIDv7 sorts after it. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

export interface EventsData {
  page: EventPage
  options: Record<Dimension, string[]>
}

export async function loadEvents(
  data: DataAccess,
  f: Filters,
  cursor: string | undefined,
): Promise<EventsData> {
  const [page, options] = await Promise.all([
    data.events(f, { ...(cursor ? { cursor } : {}), limit: PAGE_SIZE }),
    data.filterOptions(f),
  ])
  return { page, options }
}

export function loadNewer(data: DataAccess, f: Filters, afterId: string): Promise<EventRow[]> {
  return data.eventsAfter(f, afterId, LIVE_LIMIT)
}
