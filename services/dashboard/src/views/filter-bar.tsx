/** @jsxImportSource hono/jsx */
// The filter form: a plain GET form, so every filter lives in the URL (shareable, back button
// works). app.js drops empty fields on submit to keep URLs short.

import { OUTCOMES } from '@tokentap/shared'
import { DIMENSIONS, type Dimension, type Filters, type RangePreset } from '@tokentap/shared/api'
import { NONE } from '../data/filters.ts'
import { DIMENSION_TITLES } from './components.tsx'
import { formatDate } from './format.ts'

const RANGES: { value: RangePreset; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom' },
]

/** Last included day of the [from, to) range, as a date-input value. */
const lastDay = (f: Filters): string => formatDate(new Date(f.to.getTime() - 1), f.timezone)

export function FilterBar(props: {
  action: string
  f: Filters
  options: Record<Dimension, string[]>
  /** Event log: outcome, streaming and session filters too. */
  eventFilters?: boolean
  /** The dimensions offered (default all); the sessions page has no provider or model. */
  dimensions?: readonly Dimension[]
  /** Page parameters kept across a submit (e.g. the sessions page's `sort`). */
  hidden?: Record<string, string>
}) {
  const { f, options } = props
  return (
    <form class="filters" method="get" action={props.action} aria-label="Filters">
      <div class="field">
        <label for="f-range">Range</label>
        <select id="f-range" name="range">
          {RANGES.map((r) => (
            <option value={r.value} selected={f.range === r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field custom-range">
        <label for="f-from">From</label>
        <input id="f-from" type="date" name="from" value={formatDate(f.from, f.timezone)} />
      </div>
      <div class="field custom-range">
        <label for="f-to">To (incl.)</label>
        <input id="f-to" type="date" name="to" value={lastDay(f)} />
      </div>
      {(props.dimensions ?? DIMENSIONS).map((d) => {
        const current = f[d]
        const values = options[d]
        const list =
          current !== undefined && !values.includes(current) ? [current, ...values] : values
        return (
          <div class="field">
            <label for={`f-${d}`}>{DIMENSION_TITLES[d]}</label>
            <select id={`f-${d}`} name={d}>
              <option value="">All</option>
              {list.map((v) => (
                <option value={v === '' ? NONE : v} selected={current === v}>
                  {v === '' ? '(none)' : v}
                </option>
              ))}
            </select>
          </div>
        )
      })}
      {props.eventFilters ? (
        <>
          <div class="field">
            <label for="f-outcome">Outcome</label>
            <select id="f-outcome" name="outcome">
              <option value="">All</option>
              {OUTCOMES.map((o) => (
                <option value={o} selected={f.outcome === o}>
                  {o}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-session">Session</label>
            <input id="f-session" type="text" name="session" value={f.session ?? ''} size={14} />
          </div>
          <div class="field">
            <label for="f-stream">Streaming</label>
            <select id="f-stream" name="stream">
              <option value="">Any</option>
              <option value="true" selected={f.stream === true}>
                streamed
              </option>
              <option value="false" selected={f.stream === false}>
                not streamed
              </option>
            </select>
          </div>
        </>
      ) : null}
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <div class="actions">
        <button type="submit">Apply</button>
        <a href={props.action}>Reset</a>
      </div>
    </form>
  )
}
