// Sessions: the list reads usage_sessions (each session's totals, folded by the writer in the
// statement that inserts its events, so every replica's requests count exactly once); a
// session's page reads its events (usage_events, by the (session, started_at) index) grouped
// by sub-agent. Both as exact sums (sums.ts): the two agree to the last 1e-8 dollar.
// The list takes sessions active in the range (first request before its end, last at or after
// its start) in the chosen order, walking that order's index until it has `limit` (a narrow
// range: the last_at index range, then a sort; the planner chooses); user, project and program filters match
// a session whose smallest or largest value is the one asked for (provider and model are not
// per session: ignored here).

import {
  type AgentRow,
  type Filters,
  SESSION_SORTS,
  type SessionDetail,
  type SessionRow,
  type SessionSort,
} from '@tokentap/shared/api'
import { EVENT_MEASURES_SQL, SESSION_TOKEN_COLUMNS, type Sql } from '@tokentap/shared/db'
import { FilterError, MAX_SESSION_CHARS } from './filters.ts'
import { COUNTERS, costUnits, type Exact, fromRow, MONEY, toTotals, UNITS } from './sums.ts'
import { and, type Fragment, ts, unprepared } from './where.ts'

type Raw = Record<string, unknown>
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`

/** Exact figures of a row holding the measure columns: counters as text, each money measure as
 *  integer units of 1e-8 (`<name>_units`, as sums.ts fromRow reads them). */
const EXACT = [
  ...COUNTERS.map(({ name: c }) => `"${c}"::text as "${c}"`),
  ...MONEY.map(({ name: m }) => `round("${m}" * ${UNITS})::text as "${m}_units"`),
].join(', ')

/** Sort keys over usage_sessions `s` (qualified: the select list's text aliases share names);
 *  each is the key of one usage_sessions index (schema.ts), so the list stops at `limit`. */
const SORT_SQL: Record<SessionSort, string> = {
  cost: 's.cost_usd desc, s.requests desc, s.session',
  last: 's.last_at desc, s.session',
  requests: 's.requests desc, s.cost_usd desc, s.session',
  tokens: `(${SESSION_TOKEN_COLUMNS.map((c) => `s.${c}`).join(' + ')}) desc, s.cost_usd desc, s.session`,
}

/** [min] or [min, max] without NULLs: what SessionRow's programs / users / projects hold. */
function span(min: unknown, max: unknown): string[] {
  const out = [min, max].filter((v): v is string => typeof v === 'string')
  return out.length === 2 && out[0] === out[1] ? [out[0]!] : out
}

function sessionRow(r: Raw, e: Exact): SessionRow {
  return {
    session: String(r.session),
    firstAt: String(r.first_at),
    lastAt: String(r.last_at),
    programs: span(r.program_min, r.program_max),
    users: span(r.user_min, r.user_max),
    projects: span(r.project_min, r.project_max),
    ...toTotals(e),
  }
}

/** A session dimension filter: its smallest or largest value; '' = the session had none. */
function dimension(sql: Sql, d: 'user' | 'project' | 'program', v: string | undefined): Fragment[] {
  if (v === undefined) return []
  const min = sql(`${d}_min`)
  const max = sql(`${d}_max`)
  return [v === '' ? sql`${min} is null` : sql`(${min} = ${v} or ${max} = ${v})`]
}

export async function sessions(
  sql: Sql,
  f: Filters,
  opts: { sort: SessionSort; limit: number },
): Promise<SessionRow[]> {
  if (!Number.isSafeInteger(opts.limit) || opts.limit < 1) throw new Error('sessions: bad limit')
  const conds = [
    sql`last_at >= ${ts(f.from.getTime())}::timestamptz`,
    sql`first_at < ${ts(f.to.getTime())}::timestamptz`,
    ...dimension(sql, 'user', f.user),
    ...dimension(sql, 'project', f.project),
    ...dimension(sql, 'program', f.program),
  ]
  // The top sessions first by their sort keys alone (a narrow scan), then their rows by primary
  // key: reading and converting every column of a month of sessions costs three times more.
  const order = sql.unsafe(SORT_SQL[opts.sort])
  const rows = await unprepared(sql`select s.session,
      to_char(s.first_at at time zone 'UTC', ${sql.unsafe(ISO)}) as first_at,
      to_char(s.last_at at time zone 'UTC', ${sql.unsafe(ISO)}) as last_at,
      s.user_min, s.user_max, s.project_min, s.project_max, s.program_min, s.program_max,
      ${sql.unsafe(EXACT)}
    from (
      select s.session from usage_sessions s where ${and(sql, conds)}
      order by ${order} limit ${sql.unsafe(String(opts.limit))}
    ) top join usage_sessions s on s.session = top.session
    order by ${order}`)
  return rows.map((r) => sessionRow(r, fromRow(r)))
}

/** Each money measure of the grouped rows `x` in integer units of 1e-8. */
const X_MONEY_UNITS = MONEY.map(
  ({ name: m }) => `round(x."${m}" * ${UNITS})::text as "${m}_units"`,
).join(', ')

const isMain = (a: AgentRow): boolean => a.agent === null && a.agentType === null

/** The session's every request: the whole (grouping set ()) and by sub-agent; null when no
 *  request carries this session. */
export async function sessionDetail(sql: Sql, id: string): Promise<SessionDetail | null> {
  const rows = await sql`select x.*, ${sql.unsafe(X_MONEY_UNITS)}
    from (
      select grouping(agent, agent_type) = 3 as whole, agent, agent_type,
        to_char(min(started_at) at time zone 'UTC', ${sql.unsafe(ISO)}) as first_at,
        to_char(max(started_at) at time zone 'UTC', ${sql.unsafe(ISO)}) as last_at,
        min("user") as user_min, max("user") as user_max, min(project) as project_min,
        max(project) as project_max, min(program) as program_min, max(program) as program_max,
        ${sql.unsafe(EVENT_MEASURES_SQL)}
      from usage_events where session = ${id}
      group by grouping sets ((agent, agent_type), ())
    ) x`
  const whole = rows.find((r) => r.whole === true)
  if (!whole || Number(whole.requests) === 0) return null
  const agents = rows
    .filter((r) => r.whole !== true)
    .map((r) => {
      const e = fromRow(r)
      const row: AgentRow = {
        agent: r.agent === null ? null : String(r.agent),
        agentType: r.agent_type === null ? null : String(r.agent_type),
        firstAt: String(r.first_at),
        lastAt: String(r.last_at),
        ...toTotals(e),
      }
      return { row, units: costUnits(e) }
    })
  // Main thread first, then most spend, then by id.
  agents.sort(
    (a, b) =>
      Number(isMain(b.row)) - Number(isMain(a.row)) ||
      (a.units === b.units ? 0 : a.units > b.units ? -1 : 1) ||
      String(a.row.agent).localeCompare(String(b.row.agent)),
  )
  return {
    ...sessionRow({ ...whole, session: id }, fromRow(whole)),
    agents: agents.map((a) => a.row),
  }
}

/** `sort` of the sessions list and API: one of SESSION_SORTS, default cost. */
export function readSessionSort(raw: string | undefined): SessionSort {
  const v = raw?.trim() || 'cost'
  if (!SESSION_SORTS.includes(v as SessionSort)) {
    throw new FilterError(`sort: expected one of ${SESSION_SORTS.join(', ')}`)
  }
  return v as SessionSort
}

/** A session id from a URL path: 1–MAX_SESSION_CHARS characters, else null (404). */
export function readSessionId(raw: string): string | null {
  return raw.length > 0 && raw.length <= MAX_SESSION_CHARS ? raw : null
}
