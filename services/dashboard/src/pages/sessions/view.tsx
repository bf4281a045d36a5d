/** @jsxImportSource hono/jsx */
// Sessions page: every session active in the range (a Claude Code or Codex run, or an
// X-Tokentap-Session tag), most spend first or as sorted: program, user, project, first and last
// request, requests, tokens and cost over the whole session; each links to its page.
// #sessions-body is re-fetched live (fragment route).

import {
  type Dimension,
  type Filters,
  formatInt,
  type SessionRow,
  type SessionSort,
  tokensOf,
} from '@tokentap/shared/api'
import type { Child } from 'hono/jsx'
import { Spend, Tokens } from '../../views/cost.tsx'
import { FilterBar } from '../../views/filter-bar.tsx'
import { formatTime } from '../../views/format.ts'
import { Layout } from '../../views/layout.tsx'
import { RangeLine } from '../../views/range.tsx'
import { link, sessionPath } from '../../views/url.ts'
import { SESSIONS_PAGE_SIZE, type SessionsData } from './query.ts'

/** Dimensions a session has (provider and model vary within one). */
export const SESSION_DIMENSIONS: readonly Dimension[] = ['user', 'project', 'program']

/** One value, "a … b" for the smallest and largest of several, "(none)". */
export function valuesLabel(values: string[]): string {
  return values.length === 0 ? '(none)' : values.join(' … ')
}

/** Long ids (UUIDs) shortened for the table; the full id is in the title and on its page. */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 13)}…` : id
}

function SortHeader(props: {
  f: Filters
  sort: SessionSort
  by: SessionSort
  label: string
  /** Under the label (the spend column's "+ sub. value"). */
  sub?: Child
}) {
  const active = props.sort === props.by
  return (
    <th scope="col" class="num" aria-sort={active ? 'descending' : undefined}>
      {active ? (
        <span>{`${props.label} ↓`}</span>
      ) : (
        <a href={link('/sessions', props.f, { sort: props.by === 'cost' ? undefined : props.by })}>
          {props.label}
        </a>
      )}
      {props.sub}
    </th>
  )
}

function SessionRows(props: { rows: SessionRow[]; f: Filters }) {
  const { f } = props
  return (
    <>
      {props.rows.map((s) => (
        <tr>
          <th scope="row">
            <a href={link(sessionPath(s.session), f)} title={s.session}>
              <code>{shortId(s.session)}</code>
            </a>
          </th>
          <td>{valuesLabel(s.programs)}</td>
          <td>{valuesLabel(s.users)}</td>
          <td>{valuesLabel(s.projects)}</td>
          <td>
            <time datetime={s.firstAt}>{formatTime(s.firstAt, f.timezone)}</time>
          </td>
          <td>
            <time datetime={s.lastAt}>{formatTime(s.lastAt, f.timezone)}</time>
          </td>
          <td class="num">{formatInt(s.requests)}</td>
          <td class="num">
            <Tokens n={tokensOf(s)} />
          </td>
          <td class="num">
            <Spend t={s} />
          </td>
        </tr>
      ))}
    </>
  )
}

export function SessionsBody(props: { f: Filters; d: SessionsData; live: boolean }) {
  const { f, d, live } = props
  const query = d.sort === 'cost' ? {} : { sort: d.sort }
  return (
    <div
      id="sessions-body"
      data-live={live ? '' : undefined}
      hx-get={live ? link('/fragments/sessions', f, query) : undefined}
      hx-trigger={live ? 'tt-live' : undefined}
      hx-swap={live ? 'outerHTML' : undefined}
    >
      {d.sessions.length === 0 ? (
        <section class="empty" aria-label="No sessions">
          <h2>No sessions in this range.</h2>
          <p>
            Claude Code and Codex name their sessions on every request; other clients can send{' '}
            <code>X-Tokentap-Session: ID</code>.
          </p>
        </section>
      ) : (
        <div class="table-wrap">
          <table class="sessions">
            <caption class="visually-hidden">Sessions active in the range</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Program</th>
                <th scope="col">User</th>
                <th scope="col">Project</th>
                <th scope="col">First request</th>
                <SortHeaderText f={f} sort={d.sort} />
                <SortHeader f={f} sort={d.sort} by="requests" label="Requests" />
                <SortHeader f={f} sort={d.sort} by="tokens" label="Tokens" />
                <SortHeader
                  f={f}
                  sort={d.sort}
                  by="cost"
                  label="Billed"
                  sub={
                    <span class="sub">
                      <abbr title="API-equivalent value of subscription traffic; sorted by billed + value">
                        + sub. value
                      </abbr>
                    </span>
                  }
                />
              </tr>
            </thead>
            <tbody>
              <SessionRows rows={d.sessions} f={f} />
            </tbody>
          </table>
        </div>
      )}
      {d.sessions.length >= SESSIONS_PAGE_SIZE ? (
        <p class="muted">{`The first ${SESSIONS_PAGE_SIZE} sessions; the CSV export has more.`}</p>
      ) : null}
    </div>
  )
}

/** "Last request" sorts by recency (a time column: not right-aligned). */
function SortHeaderText(props: { f: Filters; sort: SessionSort }) {
  const active = props.sort === 'last'
  return (
    <th scope="col" aria-sort={active ? 'descending' : undefined}>
      {active ? (
        <span>Last request ↓</span>
      ) : (
        <a href={link('/sessions', props.f, { sort: 'last' })}>Last request</a>
      )}
    </th>
  )
}

export function SessionsPage(props: {
  f: Filters
  d: SessionsData
  options: Record<Dimension, string[]>
  live: boolean
}) {
  const { f, d } = props
  return (
    <Layout
      title="Sessions"
      section="sessions"
      filters={f}
      stream={props.live ? link('/api/stream', f) : undefined}
    >
      <h1>Sessions</h1>
      <RangeLine f={f} />
      <FilterBar
        action="/sessions"
        f={f}
        options={props.options}
        dimensions={SESSION_DIMENSIONS}
        hidden={d.sort === 'cost' ? {} : { sort: d.sort }}
      />
      {f.provider !== undefined || f.model !== undefined ? (
        <p class="muted">
          A session can span providers and models: those filters do not apply here.
        </p>
      ) : null}
      <p class="muted">
        Sessions active in the range (first request before its end, last after its start); figures
        cover each session's every request.{' '}
        <a href={link('/api/sessions.csv', f, d.sort === 'cost' ? {} : { sort: d.sort })}>CSV</a>
      </p>
      <SessionsBody f={f} d={d} live={props.live} />
    </Layout>
  )
}
