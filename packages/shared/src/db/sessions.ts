// The session totals (usage_sessions) defined once, beside the hourly rollup (rollup.ts) whose
// measures they reuse: the writer folds the rows a flush inserted that carry a session into
// them in the same statement (sessionsUpsert), so several proxy replicas add up exactly, like
// the rollup; the seeds and migration 0007's backfill use the same SQL. One row per session:
// first and last request, the smallest and largest user / project / program, and every measure
// over all its requests. The dashboard's Sessions page reads it; a session's page re-reads its
// events (usage_events, by the (session, started_at) index) and gets the same figures.

import { columnsOf, ident } from './columns.ts'
import { ROLLUP_INPUTS, ROLLUP_MEASURES } from './rollup.ts'
import { usageSessions } from './schema.ts'

/** Every measure the rollup folds (the billed units included). */
const MEASURES = ROLLUP_MEASURES
const measureNames = MEASURES.map((m) => m.name)
const sessionColumns = columnsOf(usageSessions).map((c) => c.name)
/** Session columns that are not measures, with their value over a group of usage_events rows
 *  and how two partial values combine on conflict. */
const FOLD: ReadonlyArray<[column: string, over: string, merge: 'least' | 'greatest']> = [
  ['first_at', 'min(started_at)', 'least'],
  ['last_at', 'max(started_at)', 'greatest'],
  ...(['user', 'project', 'program'] as const).flatMap(
    (d): Array<[string, string, 'least' | 'greatest']> => [
      [`${d}_min`, `min(${ident(d)})`, 'least'],
      [`${d}_max`, `max(${ident(d)})`, 'greatest'],
    ],
  ),
]
if (
  sessionColumns[0] !== 'session' ||
  new Set([...sessionColumns.slice(1)]).size !== FOLD.length + measureNames.length ||
  ![...FOLD.map(([c]) => c), ...measureNames].every((c) => sessionColumns.includes(c))
) {
  throw new Error('usage_sessions: its columns must be session, FOLD and the rollup measures')
}

/** The usage_events columns sessionsUpsert reads (the writer RETURNs them). */
export const SESSION_INPUTS: readonly string[] = [
  ...new Set(['session', 'started_at', 'user', 'project', 'program', ...ROLLUP_INPUTS]),
]

/** Folds the rows of relation `from` (a table or CTE with SESSION_INPUTS) that carry a session
 *  into usage_sessions. Sessions are inserted in order, so concurrent writers lock session rows
 *  in the same order (no deadlocks); LEAST/GREATEST skip NULLs. */
export function sessionsUpsert(from: string): string {
  const cols = [...FOLD.map(([c]) => c), ...measureNames].map(ident)
  const merges = [
    ...FOLD.map(([c, , m]) => `${ident(c)} = ${m}(s.${ident(c)}, excluded.${ident(c)})`),
    ...measureNames.map((c) => `${ident(c)} = s.${ident(c)} + excluded.${ident(c)}`),
  ]
  return `insert into usage_sessions as s (session, ${cols.join(', ')})
  select session, ${FOLD.map(([, over]) => over).join(', ')},
    ${MEASURES.map((m) => m.over).join(', ')}
  from ${from} where session is not null group by session order by session
  on conflict (session) do update set
    ${merges.join(',\n    ')}`
}

// --- Repricing (issue 14): rows whose measured fields change in place.

/** Moves sessions' measures from what relation `before` holds to what `after` holds (the same
 *  usage_events rows, each with SESSION_INPUTS, before and after an UPDATE that leaves session,
 *  started_at, user, project and program alone): every affected session gets after − before,
 *  upserted in session order as sessionsUpsert does (the same row-lock order, and the additions
 *  commute with the writer's concurrent folds); first/last and the dimension bounds merge to
 *  what they were. Only sessions already folded are touched (the writer folds each row in the
 *  statement that inserts it), and only those whose measures change. */
export function sessionsAdjust(before: string, after: string): string {
  const cols = measureNames.map(ident)
  const side = (from: string, sign: string) =>
    `select session, ${FOLD.map(([c, over]) => `${over} as ${ident(c)}`).join(', ')},
      ${MEASURES.map((m) => `${sign}(${m.over}) as ${ident(m.name)}`).join(', ')}
    from ${from} where session is not null group by session`
  const folds = FOLD.map(([c, , m]) => `${m === 'least' ? 'min' : 'max'}(${ident(c)})`)
  const merges = [
    ...FOLD.map(([c, , m]) => `${ident(c)} = ${m}(s.${ident(c)}, excluded.${ident(c)})`),
    ...cols.map((c) => `${c} = s.${c} + excluded.${c}`),
  ]
  return `insert into usage_sessions as s (session, ${[...FOLD.map(([c]) => ident(c)), ...cols].join(', ')})
  select session, ${folds.join(', ')}, ${cols.map((c) => `sum(${c})`).join(', ')}
  from (${side(after, '')} union all ${side(before, '-')}) d
  where session in (select session from usage_sessions)
  group by session having ${cols.map((c) => `sum(${c}) <> 0`).join(' or ')}
  order by session
  on conflict (session) do update set
    ${merges.join(',\n    ')}`
}
