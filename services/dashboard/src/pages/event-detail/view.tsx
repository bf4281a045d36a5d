/** @jsxImportSource hono/jsx */
// One event with every stored field, grouped; billed units beyond the buckets (tier, geo,
// speed, units by kind, what had no price, the sampling iterations); raw usage JSON and captured
// bodies (when body capture stored them) in preformatted blocks.

import { shortAccount } from '@tokentap/shared/accounts'
import {
  BILLING_LABELS,
  costOfEvent,
  type EventDetail,
  type Filters,
  formatInt,
} from '@tokentap/shared/api'
import type { Child } from 'hono/jsx'
import { Iterations, NotPriced, unitRows } from '../../views/billing.tsx'
import { Cost } from '../../views/cost.tsx'
import { dimensionLabel, formatDuration, formatTime } from '../../views/format.ts'
import { Layout } from '../../views/layout.tsx'
import { link, sessionPath } from '../../views/url.ts'

type Field = [label: string, value: Child]

function Fields(props: { title: string; fields: Field[] }) {
  return (
    <section class="fields" aria-label={props.title}>
      <h2>{props.title}</h2>
      <dl>
        {props.fields.map(([label, value]) => (
          <div>
            <dt>{label}</dt>
            <dd>{value === null || value === '' ? <span class="muted">—</span> : value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

const n = (v: number | null): string | null => (v === null ? null : formatInt(v))

function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? 'null'
  } catch {
    return String(v)
  }
}

export function EventDetailPage(props: { e: EventDetail; f: Filters }) {
  const { e, f } = props
  const tz = f.timezone
  return (
    <Layout title={`Event ${e.id}`} section="events" filters={f}>
      <p>
        <a href={link('/events', f, {}, { keepPageOnly: true })}>← Event log</a>
      </p>
      <h1>
        {dimensionLabel(e.model)} <span class="muted">{`via ${e.provider}`}</span>
      </h1>
      <p class="muted">
        <code>{e.id}</code>
      </p>
      <div class="detail-grid">
        <Fields
          title="Request"
          fields={[
            ['Started', <time datetime={e.startedAt}>{formatTime(e.startedAt, tz)}</time>],
            ['Recorded', <time datetime={e.recordedAt}>{formatTime(e.recordedAt, tz)}</time>],
            ['Provider', e.provider],
            ['Host', e.host],
            ['Method', e.method],
            ['Path', <code>{e.path}</code>],
            ['Endpoint', e.endpoint],
            ['Model', e.model],
            ['Streaming', e.stream ? 'yes' : 'no'],
            ['Transport', e.transport],
            ['Response id', e.responseId],
            ['Request bytes', formatInt(e.requestBytes)],
            ['Response bytes', formatInt(e.responseBytes)],
          ]}
        />
        <Fields
          title="Result"
          fields={[
            ['Outcome', <span class={`outcome outcome-${e.outcome}`}>{e.outcome}</span>],
            ['Status', e.status === null ? null : String(e.status)],
            ['Duration', formatDuration(e.durationMs)],
            ['Time to first byte', e.ttfbMs === null ? null : formatDuration(e.ttfbMs)],
            ['Error', e.error],
            ['Parse error', e.parseError],
          ]}
        />
        <Fields
          title="Attribution"
          fields={[
            ['User', e.user],
            ['Project', e.project],
            ['Program', e.program],
            [
              'Session',
              e.session === null ? null : (
                <a href={link(sessionPath(e.session), f)}>
                  <code>{e.session}</code>
                </a>
              ),
            ],
            ['Sub-agent', e.agent],
            ['Sub-agent kind', e.agentType],
            ['Billing', e.billingKind ? BILLING_LABELS[e.billingKind] : null],
            [
              'Account',
              e.account ? <code title={e.account}>{shortAccount(e.account)}</code> : null,
            ],
          ]}
        />
        <Fields
          title="Usage"
          fields={[
            ['Usage source', e.usageSource],
            ['Billable', e.billable ? 'yes' : 'no'],
            ['Input tokens', n(e.inputTokens)],
            ['Output tokens', n(e.outputTokens)],
            ['Cache read tokens', n(e.cacheReadTokens)],
            ['Cache write 5m tokens', n(e.cacheWrite5mTokens)],
            ['Cache write 1h tokens', n(e.cacheWrite1hTokens)],
            ['Reasoning tokens (in output)', n(e.reasoningTokens)],
            ['Credits', e.credits === null ? null : String(e.credits)],
          ]}
        />
        <Fields
          title="Billed units"
          fields={[
            ['Service tier', e.serviceTier],
            ['Inference geo', e.inferenceGeo],
            ['Speed', e.speed],
            ...(e.units === null ? [['Units', null] as Field] : unitRows(e.units)),
            ['Not priced', e.unpricedUnits === null ? null : <NotPriced units={e.unpricedUnits} />],
          ]}
        />
        <Fields
          title="Cost"
          fields={[
            [
              e.billingKind === 'subscription' ? 'Value (covered by a subscription)' : 'Cost',
              <Cost cost={costOfEvent(e)} notPriced={e.unpricedUnits} />,
            ],
            ['Exact USD', e.costUsd === null ? null : e.costUsd.toFixed(8)],
            ['Price source', e.priceSource],
            ['Price version', e.priceVersion],
          ]}
        />
      </div>
      {e.subUsage !== null ? (
        <section aria-labelledby="iterations">
          <h2 id="iterations">Sampling iterations</h2>
          <p class="muted">
            Iterations not in the token figures are priced on their own: an advisor at its own
            model; any other kind is listed as not priced.
          </p>
          <Iterations items={e.subUsage} />
        </section>
      ) : null}
      <section aria-labelledby="raw-usage">
        <h2 id="raw-usage">Provider usage object</h2>
        <pre class="code">{json(e.rawUsage)}</pre>
      </section>
      {e.bodies ? (
        <section aria-labelledby="bodies">
          <h2 id="bodies">Captured bodies (redacted)</h2>
          <h3>Request</h3>
          <pre class="code">{e.bodies.request ?? '(not captured)'}</pre>
          <h3>Response</h3>
          <pre class="code">{e.bodies.response ?? '(not captured)'}</pre>
        </section>
      ) : null}
    </Layout>
  )
}
