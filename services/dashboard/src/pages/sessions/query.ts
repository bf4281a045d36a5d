// Sessions-list data: the sessions active in the range (most spend first, or the
// chosen order) and the filter drop-down values.

import type { Dimension, Filters, SessionRow, SessionSort } from '@tokentap/shared/api'
import type { DataAccess } from '../../data/types.ts'

/** Rows on the page (the API and CSV give more). */
export const SESSIONS_PAGE_SIZE = 100

export interface SessionsData {
  sort: SessionSort
  sessions: SessionRow[]
}

export async function loadSessions(
  data: DataAccess,
  f: Filters,
  sort: SessionSort,
): Promise<SessionsData> {
  return { sort, sessions: await data.sessions(f, { sort, limit: SESSIONS_PAGE_SIZE }) }
}

export function loadOptions(data: DataAccess, f: Filters): Promise<Record<Dimension, string[]>> {
  return data.filterOptions(f)
}
