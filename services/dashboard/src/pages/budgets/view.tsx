/** @jsxImportSource hono/jsx */
// Budgets: each configured budget's window, spend against its limit (a <meter>), its alerts
// (pending ones first: not yet delivered to Slack) and, for a hard budget, whether it blocks now
// and whom it refused (blocked.tsx). The budgets blocking now are named at the top.

import { type BudgetStatus, type Filters, formatInt, formatUsd } from '@tokentap/shared/api'
import { Cost } from '../../views/cost.tsx'
import { formatTime } from '../../views/format.ts'
import { Layout } from '../../views/layout.tsx'
import { Heads } from '../../views/table.tsx'
import { BlockingState } from './blocked.tsx'

const pct = (r: number): string => `${Math.round(r * 100)}%`

function scopeText(scope: Record<string, string | undefined>): string {
  const parts = Object.entries(scope)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} = ${v}`)
  return parts.length === 0 ? 'whole team' : parts.join(', ')
}

/** What the spend counts (issue 16): billed by default, or subscription value too. */
const countsText = (counts: BudgetStatus['budget']['counts']): string =>
  counts === 'all' ? 'billed + subscription value' : 'billed spend'

function level(s: BudgetStatus): 'ok' | 'warn' | 'over' {
  if (s.ratio >= 1) return 'over'
  const warnAt = s.budget.thresholds.filter((t) => t < 1).at(-1) ?? 0.8
  return s.ratio >= warnAt ? 'warn' : 'ok'
}

function BudgetCard(props: { s: BudgetStatus; tz: string }) {
  const { s, tz } = props
  const { budget, spend } = s
  const id = `budget-${budget.name.replace(/[^A-Za-z0-9_-]/g, '_')}`
  const pending = s.alerts.filter((a) => a.deliveredAt === null)
  return (
    <article class={`budget level-${level(s)}`} aria-labelledby={id}>
      <h2 id={id}>{budget.name}</h2>
      <p class="muted">
        {`${scopeText(budget.scope)} · per ${budget.period} · ${countsText(budget.counts)} · `}
        {budget.action === 'block' ? 'hard limit · ' : ''}
        <time datetime={s.window.start}>{formatTime(s.window.start, tz).slice(0, 16)}</time>
        {' – '}
        <time datetime={s.window.end}>{formatTime(s.window.end, tz).slice(0, 16)}</time>
      </p>
      <p class="budget-figures">
        <Cost
          cost={{
            amount: `${spend.estimatedRequests > 0 ? '~' : ''}${formatUsd(spend.spentUsd)}`,
            estimated: spend.estimatedRequests > 0,
            unpriced: spend.unpricedRequests,
          }}
        />
        {` of ${formatUsd(budget.limitUsd)} (${pct(s.ratio)}) · ${formatInt(spend.requests)} requests`}
      </p>
      <meter
        min={0}
        max={budget.limitUsd}
        value={Math.min(spend.spentUsd, budget.limitUsd)}
        low={budget.limitUsd * 0.8}
        high={budget.limitUsd * 0.9999}
        optimum={0}
        aria-label={`${budget.name}: ${pct(s.ratio)} of the limit spent`}
      >
        {pct(s.ratio)}
      </meter>
      <BlockingState s={s} tz={tz} />
      <p class="muted">{`Alerts at ${budget.thresholds.map(pct).join(', ')}`}</p>
      {pending.length > 0 ? (
        <p class="warn-text" role="status">
          {`${pending.length} alert${pending.length === 1 ? '' : 's'} not delivered yet`}
        </p>
      ) : null}
      {s.alerts.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption>Alerts</caption>
            <thead>
              <tr>
                <Heads
                  cols={['Threshold', 'Raised', 'Delivered', { num: 'Attempts' }, 'Last error']}
                />
              </tr>
            </thead>
            <tbody>
              {s.alerts.map((a) => (
                <tr class={a.deliveredAt === null ? 'pending' : undefined}>
                  <th scope="row">{pct(a.threshold)}</th>
                  <td>{formatTime(a.createdAt, tz)}</td>
                  <td>
                    {a.deliveredAt === null ? (
                      <strong class="warn-text">pending</strong>
                    ) : (
                      formatTime(a.deliveredAt, tz)
                    )}
                  </td>
                  <td class="num">{formatInt(a.attempts)}</td>
                  <td>{a.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </article>
  )
}

export function BudgetsPage(props: { budgets: BudgetStatus[]; f: Filters }) {
  const tz = props.f.timezone
  const blocking = props.budgets.filter((s) => s.blocking)
  return (
    <Layout title="Budgets" section="budgets" filters={props.f}>
      <h1>Budgets</h1>
      {blocking.length > 0 ? (
        <p class="bad-text" role="status">
          <strong>{`Blocking now: ${blocking.map((s) => s.budget.name).join(', ')}`}</strong>
          {` — ${blocking.reduce((n, s) => n + (s.blocked?.requests ?? 0), 0)} requests refused in their current windows.`}
        </p>
      ) : null}
      {props.budgets.length === 0 ? (
        <section class="empty">
          <h2>No budgets configured.</h2>
          <p>
            Point <code>TOKENTAP_BUDGETS</code> at a budgets file (JSON or YAML) for the proxy and
            the dashboard; each budget then shows its spend in the current window here.
          </p>
        </section>
      ) : (
        <div class="budgets">
          {props.budgets.map((s) => (
            <BudgetCard s={s} tz={tz} />
          ))}
        </div>
      )}
    </Layout>
  )
}
