// Links that keep the viewer's filters: every page link is built from the current Filters
// (filtersToQuery) with a few parameters set or removed.

import type { Filters } from '@tokentap/shared/api'
import { filtersToQuery } from '../data/filters.ts'

/** Parameters that belong to one page only and are dropped when moving between pages. */
const PAGE_ONLY = ['cursor', 'after', 'outcome', 'stream', 'session', 'sort'] as const

/** `path?query` from `f`, with `set` applied (undefined removes a parameter). */
export function link(
  path: string,
  f: Filters,
  set: Record<string, string | undefined> = {},
  opts: { keepPageOnly?: boolean } = {},
): string {
  const q = filtersToQuery(f)
  if (!opts.keepPageOnly) for (const k of PAGE_ONLY) q.delete(k)
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) q.delete(k)
    else q.set(k, v)
  }
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

/** A session's page (its id may hold any printable character). */
export function sessionPath(id: string): string {
  return `/sessions/${encodeURIComponent(id)}`
}
