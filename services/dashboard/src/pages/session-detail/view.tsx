/** @jsxImportSource hono/jsx */
// One session: who and what ran it, when, its totals, and its breakdown by sub-agent (the main
// thread first, then each sub-agent, most spend first), with a link to its requests in the
// event log. #session-body is re-fetched live (fragment route).

import { type AgentRow, type Filters, formatInt, type SessionDetail } from '@tokentap/shared/api'
import type { Child } from 'hono/jsx'
import { TotalsCards } from '../../views/components.tsx'
import { Spend, SpendHeader } from '../../views/cost.tsx'
import { formatDuration, formatTime } from '../../views/format.ts'
import { Layout } from '../../views/layout.tsx'
import { Heads, TokenCells } from '../../views/table.tsx'
import { link, sessionPath } from '../../views/url.ts'
import { valuesLabel } from '../sessions/view.tsx'

const MINUTE_MS = 60_000
/** Longest range the event log accepts (filters.ts MAX_RANGE_DAYS). */
const MAX_LOG_RANGE_MS = 400 * 86_400_000

/** The event log filtered to this session (no other filter), over the minutes its requests
 *  span (the last 400 days of it at most, as the log allows). */
export function sessionEventsLink(s: SessionDetail, f: Filters): string {
  const to = Math.floor(Date.parse(s.lastAt) / MINUTE_MS) * MINUTE_MS + MINUTE_MS
  const from = Math.max(
    Math.floor(Date.parse(s.firstAt) / MINUTE_MS) * MINUTE_MS,
    to - MAX_LOG_RANGE_MS,
  )
  const range: Filters = {
    range: 'custom',
    from: new Date(from),
    to: new Date(to),
    timezone: f.timezone,
  }
  return link('/events', range, { session: s.session })
}

function AgentLabel(props: { a: AgentRow }) {
  const { agent, agentType } = props.a
  if (agent === null && agentType === null) return <span>Main thread</span>
  return (
    <span>
      {agentType ?? 'sub-agent'}
      {agent !== null ? (
        <span class="sub" title={agent}>
          {agent}
        </span>
      ) : null}
    </span>
  )
}

function AgentsTable(props: { agents: AgentRow[]; f: Filters }) {
  const tz = props.f.timezone
  return (
    <section class="breakdown" aria-labelledby="by-agent">
      <h2 id="by-agent">By sub-agent</h2>
      <div class="table-wrap">
        <table class="agents">
          <thead>
            <tr>
              <Heads
                cols={[
                  'Agent',
                  'First request',
                  'Last request',
                  { num: 'Requests' },
                  { num: 'Input' },
                  { num: 'Output' },
                  { num: 'Cache r/w' },
                ]}
              />
              <th scope="col" class="num">
                <SpendHeader />
              </th>
            </tr>
          </thead>
          <tbody>
            {props.agents.map((a) => (
              <tr>
                <th scope="row" class="model">
                  <AgentLabel a={a} />
                </th>
                <td>
                  <time datetime={a.firstAt}>{formatTime(a.firstAt, tz)}</time>
                </td>
                <td>
                  <time datetime={a.lastAt}>{formatTime(a.lastAt, tz)}</time>
                </td>
                <td class="num">{formatInt(a.requests)}</td>
                <TokenCells t={a} />
                <td class="num">
                  <Spend t={a} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

export function SessionBody(props: { s: SessionDetail; f: Filters; live: boolean }) {
  const { s, f, live } = props
  const tz = f.timezone
  const fields: [string, Child][] = [
    ['Program', valuesLabel(s.programs)],
    ['User', valuesLabel(s.users)],
    ['Project', valuesLabel(s.projects)],
    ['First request', <time datetime={s.firstAt}>{formatTime(s.firstAt, tz)}</time>],
    ['Last request', <time datetime={s.lastAt}>{formatTime(s.lastAt, tz)}</time>],
    ['Span', formatDuration(Date.parse(s.lastAt) - Date.parse(s.firstAt))],
  ]
  return (
    <div
      id="session-body"
      data-live={live ? '' : undefined}
      hx-get={live ? link(`/fragments${sessionPath(s.session)}`, f) : undefined}
      hx-trigger={live ? 'tt-live' : undefined}
      hx-swap={live ? 'outerHTML' : undefined}
    >
      <section class="fields session-facts" aria-label="Session">
        <dl>
          {fields.map(([label, value]) => (
            <div>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <TotalsCards t={s} />
      <AgentsTable agents={s.agents} f={f} />
    </div>
  )
}

export function SessionPage(props: { s: SessionDetail; f: Filters; live: boolean }) {
  const { s, f } = props
  return (
    <Layout
      title={`Session ${s.session}`}
      section="sessions"
      filters={f}
      stream={props.live ? link('/api/stream', f, { session: s.session }) : undefined}
    >
      <p>
        <a href={link('/sessions', f)}>← Sessions</a>
      </p>
      <h1>Session</h1>
      <p>
        <code>{s.session}</code>
      </p>
      <p>
        All of this session's requests, whatever the range.{' '}
        <a href={sessionEventsLink(s, f)}>Its requests in the event log →</a>
      </p>
      <SessionBody s={s} f={f} live={props.live} />
    </Layout>
  )
}
