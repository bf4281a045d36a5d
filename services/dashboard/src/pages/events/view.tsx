/** @jsxImportSource hono/jsx */
// Event log: filters, a table of events newest first (each row links to its detail page),
// "older" keyset paging, and on the first page live rows prepended by the fragment route. A row
// priced without some of its billed units says which ("not priced: …"); a tier other than the
// standard one is tagged.

import { costOfEvent, type EventRow, type Filters } from '@tokentap/shared/api'
import { EmptyState } from '../../views/components.tsx'
import { Cost, Tokens } from '../../views/cost.tsx'
import { FilterBar } from '../../views/filter-bar.tsx'
import { dimensionLabel, formatDuration, formatTime } from '../../views/format.ts'
import { Layout } from '../../views/layout.tsx'
import { RangeLine } from '../../views/range.tsx'
import { Heads } from '../../views/table.tsx'
import { link, sessionPath } from '../../views/url.ts'
import { type EventsData, NIL_UUID } from './query.ts'

const OUTCOME_TEXT: Record<string, string> = {
  ok: 'ok',
  upstream_error: 'upstream error',
  aborted: 'aborted',
  failed: 'failed',
  blocked: 'blocked (budget)',
}

/** Tiers billed at list price: not tagged in the log (the detail page shows every tier). */
const ORDINARY_TIERS: ReadonlySet<string> = new Set(['standard', 'default', 'on_demand', 'auto'])

function sum(...xs: (number | null)[]): number | null {
  return xs.every((x) => x === null) ? null : xs.reduce<number>((a, x) => a + (x ?? 0), 0)
}

function TokenCell(props: { n: number | null }) {
  return (
    <td class="num">{props.n === null ? <span class="muted">—</span> : <Tokens n={props.n} />}</td>
  )
}

export function EventRows(props: { events: EventRow[]; f: Filters; fresh?: boolean }) {
  const { f } = props
  return (
    <>
      {props.events.map((e) => (
        <tr id={`ev-${e.id}`} class={props.fresh ? 'fresh' : undefined}>
          <th scope="row">
            <a href={link(`/events/${e.id}`, f, {}, { keepPageOnly: true })}>
              <time datetime={e.startedAt}>{formatTime(e.startedAt, f.timezone)}</time>
            </a>
          </th>
          <td class="model">
            {dimensionLabel(e.model)}
            <span class="sub">{e.provider}</span>
          </td>
          <td>{dimensionLabel(e.user)}</td>
          <td>{dimensionLabel(e.project)}</td>
          <td>
            {dimensionLabel(e.program)}
            {e.agent !== null || e.agentType !== null ? (
              <span class="sub" title={e.agent ?? undefined}>
                {`sub-agent ${e.agentType ?? ''}`.trim()}
              </span>
            ) : null}
          </td>
          <td>
            <span class={`outcome outcome-${e.outcome}`}>
              {OUTCOME_TEXT[e.outcome] ?? e.outcome}
            </span>
            {e.status !== null ? <span class="muted">{` ${e.status}`}</span> : null}
            {e.stream ? <span class="tag">stream</span> : null}
            {e.serviceTier !== null && !ORDINARY_TIERS.has(e.serviceTier.toLowerCase()) ? (
              <span class="tag" title="service tier the provider billed">
                {e.serviceTier}
              </span>
            ) : null}
          </td>
          <TokenCell n={e.inputTokens} />
          <TokenCell n={e.outputTokens} />
          <TokenCell n={sum(e.cacheReadTokens, e.cacheWrite5mTokens, e.cacheWrite1hTokens)} />
          <td class="num">{formatDuration(e.durationMs)}</td>
          <td class="num">
            <Cost cost={costOfEvent(e)} notPriced={e.unpricedUnits} />
          </td>
        </tr>
      ))}
    </>
  )
}

/** The hidden input live refreshes send as `after`; fragments replace it out of band. */
export function AfterInput(props: { id: string; oob?: boolean }) {
  return (
    <input
      type="hidden"
      id="live-after"
      name="after"
      value={props.id}
      hx-swap-oob={props.oob ? 'true' : undefined}
    />
  )
}

export function EventsPage(props: {
  f: Filters
  d: EventsData
  cursor: string | undefined
  live: boolean
}) {
  const { f, d, cursor } = props
  const events = d.page.events
  // Live rows only on the first page of a range that reaches the present.
  const live = props.live && cursor === undefined
  const liveAttrs = live
    ? {
        'data-live': '',
        'hx-get': link('/fragments/events/newer', f, {}, { keepPageOnly: true }),
        'hx-include': '#live-after',
        'hx-trigger': 'tt-live',
        'hx-swap': 'afterbegin',
      }
    : {}
  return (
    <Layout
      title="Events"
      section="events"
      filters={f}
      stream={live ? link('/api/stream', f, {}, { keepPageOnly: true }) : undefined}
    >
      <h1>Event log</h1>
      <RangeLine f={f} />
      <FilterBar action="/events" f={f} options={d.options} eventFilters />
      {f.session !== undefined ? (
        <p>
          {'Requests of session '}
          <a href={link(sessionPath(f.session), f)}>
            <code>{f.session}</code>
          </a>
        </p>
      ) : null}
      {live ? <AfterInput id={events[0]?.id ?? NIL_UUID} /> : null}
      {events.length === 0 ? (
        <div id="events-empty">
          {cursor ? <p class="muted">No older events.</p> : <EmptyState />}
        </div>
      ) : null}
      <div class="table-wrap">
        <table class="events">
          <caption class="visually-hidden">Events, newest first</caption>
          <thead>
            <tr>
              <Heads
                cols={[
                  'Time',
                  'Model · provider',
                  'User',
                  'Project',
                  'Program',
                  'Outcome',
                  { num: 'Input' },
                  { num: 'Output' },
                  { num: 'Cache' },
                  { num: 'Duration' },
                  { num: 'Cost' },
                ]}
              />
            </tr>
          </thead>
          <tbody id="event-rows" {...liveAttrs}>
            <EventRows events={events} f={f} />
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {cursor ? <a href={link('/events', f, {}, { keepPageOnly: true })}>← Newest</a> : null}
        {d.page.nextCursor ? (
          <a
            rel="next"
            href={link('/events', f, { cursor: d.page.nextCursor }, { keepPageOnly: true })}
          >
            Older →
          </a>
        ) : null}
      </nav>
    </Layout>
  )
}
