/** @jsxImportSource hono/jsx */
// Shared page parts: totals cards, breakdown tables, empty and error states.

import {
  type BreakdownRow,
  billedOfTotals,
  type Dimension,
  type Filters,
  formatInt,
  formatUsd,
  type Totals,
  valueOfTotals,
} from '@tokentap/shared/api'
import type { Child } from 'hono/jsx'
import { NONE } from '../data/filters.ts'
import { Cost, Tokens } from './cost.tsx'
import { dimensionLabel } from './format.ts'
import { Heads, TokenCells } from './table.tsx'
import { link } from './url.ts'

export const DIMENSION_TITLES: Record<Dimension, string> = {
  model: 'Model',
  provider: 'Provider',
  user: 'User',
  project: 'Project',
  program: 'Program',
}

export function TotalsCards(props: { t: Totals }) {
  const t = props.t
  const cards: { label: string; value: Child; note?: string | undefined }[] = [
    // Billed spend apart from what subscription traffic would have cost (issue 16).
    { label: 'Billed spend', value: <Cost cost={billedOfTotals(t)} />, note: 'API keys, accounts' },
    {
      label: 'Subscription value',
      value:
        t.subscriptionRequests > 0 || t.subscriptionValueUsd > 0 ? (
          <Cost cost={valueOfTotals(t)} />
        ) : (
          formatUsd(0)
        ),
      note: `${formatInt(t.subscriptionRequests)} requests covered · API-equivalent`,
    },
    {
      label: 'Requests',
      value: formatInt(t.requests),
      note: t.errors > 0 ? `${formatInt(t.errors)} errors` : undefined,
    },
    { label: 'Input tokens', value: <Tokens n={t.inputTokens} /> },
    { label: 'Output tokens', value: <Tokens n={t.outputTokens} /> },
    { label: 'Cache read', value: <Tokens n={t.cacheReadTokens} /> },
    {
      label: 'Cache write',
      value: <Tokens n={t.cacheWrite5mTokens + t.cacheWrite1hTokens} />,
      note: `5m ${formatInt(t.cacheWrite5mTokens)} · 1h ${formatInt(t.cacheWrite1hTokens)}`,
    },
    { label: 'Reasoning', value: <Tokens n={t.reasoningTokens} />, note: 'part of output' },
  ]
  if (t.credits > 0) cards.push({ label: 'Credits', value: formatInt(t.credits) })
  // Billed units (issue 14), where any were billed: audio is a part of the token figures above.
  if (t.webSearches > 0) {
    cards.push({ label: 'Web searches', value: formatInt(t.webSearches), note: 'billed per use' })
  }
  if (t.audioInputTokens > 0 || t.audioOutputTokens > 0) {
    cards.push({
      label: 'Audio tokens',
      value: <Tokens n={t.audioInputTokens + t.audioOutputTokens} />,
      note: `in ${formatInt(t.audioInputTokens)} · out ${formatInt(t.audioOutputTokens)} · part of input / output`,
    })
  }
  return (
    <dl class="cards">
      {cards.map((c) => (
        <div class="card">
          <dt>{c.label}</dt>
          <dd class="figure">{c.value}</dd>
          {c.note ? <dd class="note">{c.note}</dd> : null}
        </div>
      ))}
    </dl>
  )
}

export function BreakdownTable(props: { by: Dimension; rows: BreakdownRow[]; f: Filters }) {
  const { by, rows, f } = props
  // Billed-unit columns only where a row has them (issue 14).
  const searches = rows.some((r) => r.webSearches > 0)
  const audio = rows.some((r) => r.audioInputTokens > 0 || r.audioOutputTokens > 0)
  return (
    <section class="breakdown" aria-labelledby={`by-${by}`}>
      <h3 id={`by-${by}`}>By {by}</h3>
      {rows.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <Heads
                  cols={[
                    DIMENSION_TITLES[by],
                    { num: 'Requests' },
                    { num: 'Input' },
                    { num: 'Output' },
                    { num: 'Cache r/w' },
                    searches && { num: 'Web searches' },
                    audio && { num: 'Audio in/out' },
                  ]}
                />
                <th scope="col" class="num">
                  Billed
                  <span class="sub">
                    <abbr title="API-equivalent value of subscription traffic">+ sub. value</abbr>
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <th scope="row">
                    <a
                      class={r.key === '' ? 'muted' : undefined}
                      href={link('/events', f, { [by]: r.key === '' ? NONE : r.key })}
                    >
                      {dimensionLabel(r.key)}
                    </a>
                  </th>
                  <td class="num">{formatInt(r.requests)}</td>
                  <TokenCells t={r} />
                  {searches ? <td class="num">{formatInt(r.webSearches)}</td> : null}
                  {audio ? (
                    <td class="num">
                      <Tokens n={r.audioInputTokens} />
                      {' / '}
                      <Tokens n={r.audioOutputTokens} />
                    </td>
                  ) : null}
                  <td class="num">
                    <Cost cost={billedOfTotals(r)} />
                    {r.subscriptionRequests > 0 || r.subscriptionValueUsd > 0 ? (
                      <span class="sub">
                        <Cost cost={valueOfTotals(r)} />
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

/** What to show when a range has no requests: how to send traffic through the proxy. */
export function EmptyState(props: { what?: string }) {
  return (
    <section class="empty" aria-label="No data">
      <h2>{props.what ?? 'No requests in this range yet.'}</h2>
      <p>Point a client at the tokentap proxy and its requests show up here live:</p>
      <pre>
        <code>
          {[
            'export HTTPS_PROXY=http://you:token@127.0.0.1:8080',
            'export NODE_EXTRA_CA_CERTS=~/.tokentap/ca/ca.pem',
            'claude -p "hello"   # or codex, gemini, curl --cacert ~/.tokentap/ca/ca.pem …',
          ].join('\n')}
        </code>
      </pre>
      <p class="muted">
        Put your name (and a project) in the proxy URL: <code>http://alice+billing-bot:x@…</code>
      </p>
    </section>
  )
}

export function ErrorBox(props: { title: string; message: string; back?: string }) {
  return (
    <section class="error" role="alert">
      <h2>{props.title}</h2>
      <p>{props.message}</p>
      {props.back ? (
        <p>
          <a href={props.back}>Start over</a>
        </p>
      ) : null}
    </section>
  )
}
