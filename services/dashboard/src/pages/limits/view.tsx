/** @jsxImportSource hono/jsx */
// Limits: per account (fingerprint, provider, billing kind, last user) each window the provider
// reported — utilization as a <meter>, when it resets in the viewer's zone — its status and the
// 429s seen. Accounts at a limit come first and are marked, then those near one (≥ 80 %).

import {
  type AccountLimits,
  accountLevel,
  type LimitWindow,
  NEAR_LIMIT,
  rateLimitedNow,
  shortAccount,
  sortedWindows,
  windowLabel,
  windowLevel,
} from '@tokentap/shared/accounts'
import {
  BILLING_LABELS,
  type Filters,
  formatInt,
  formatPercent,
  formatUntil,
} from '@tokentap/shared/api'
import { dimensionLabel, formatTime } from '../../views/format.ts'
import { Layout } from '../../views/layout.tsx'
import { Heads } from '../../views/table.tsx'

const LEVEL_TEXT = { at: 'at a limit', near: 'near a limit', ok: 'ok' } as const

function WindowRow(props: { name: string; w: LimitWindow; tz: string; now: Date }) {
  const { name, w, tz, now } = props
  const level = windowLevel(w, now)
  const label = windowLabel(name, w)
  const reset = w.resetAt === null ? null : Date.parse(w.resetAt)
  const figures =
    w.limit !== null || w.remaining !== null
      ? `${formatInt(w.remaining)} of ${formatInt(w.limit)} ${w.unit} left`
      : w.unit === 'credits' && w.status !== null
        ? `credits: ${w.status}`
        : null
  return (
    <tr class={`window level-${level}`}>
      <th scope="row">{label}</th>
      <td class="meter-cell">
        {w.used === null || level === 'reset' ? (
          <span class="muted">{level === 'reset' ? 'reset since' : '—'}</span>
        ) : (
          <meter
            min={0}
            max={1}
            low={NEAR_LIMIT}
            high={0.9999}
            optimum={0}
            value={Math.min(1, Math.max(0, w.used))}
            aria-label={`${label}: ${formatPercent(w.used)} used`}
          >
            {formatPercent(w.used)}
          </meter>
        )}
      </td>
      <td class="num">{level === 'reset' ? '' : formatPercent(w.used)}</td>
      <td>
        {reset === null ? (
          <span class="muted">—</span>
        ) : (
          <>
            <time datetime={w.resetAt ?? undefined}>{formatTime(w.resetAt, tz).slice(0, 16)}</time>
            <span class="muted">
              {reset > now.getTime() ? ` (${formatUntil(reset - now.getTime())})` : ' (past)'}
            </span>
          </>
        )}
      </td>
      <td>
        {[w.status, figures].filter((x) => x !== null).join(' · ')}
        {level === 'at' ? <strong class="bad-text"> at limit</strong> : null}
        {level === 'near' ? <strong class="warn-text"> near limit</strong> : null}
      </td>
    </tr>
  )
}

function AccountCard(props: { a: AccountLimits; tz: string; now: Date }) {
  const { a, tz, now } = props
  const level = accountLevel(a, now)
  const id = `account-${a.account.replace(/[^A-Za-z0-9]/g, '')}`
  const windows = sortedWindows(a)
  const limited = rateLimitedNow(a, now)
  return (
    <article class={`account level-${level}`} aria-labelledby={id}>
      <h2 id={id}>
        <code title={a.account}>{shortAccount(a.account)}</code>
        {` ${a.provider}`}
        <span class={`tag billing-${a.billingKind}`}>{BILLING_LABELS[a.billingKind]}</span>
        <span class={`level-text level-text-${level}`}>{LEVEL_TEXT[level]}</span>
      </h2>
      <p class="muted">
        {`last user ${dimensionLabel(a.lastUser)} · last seen `}
        <time datetime={a.lastSeenAt}>{formatTime(a.lastSeenAt, tz)}</time>
        {a.status ? ` · status ${a.status}` : ''}
      </p>
      <p class={limited ? 'bad-text' : 'muted'}>
        {a.count429 === 0
          ? 'No 429s seen.'
          : `${formatInt(a.count429)} × 429 seen, last at ${formatTime(a.last429At, tz)}${
              limited ? ' — rate-limited now' : ''
            }`}
      </p>
      {windows.length === 0 ? (
        <p class="muted">The provider reported no windows for this account.</p>
      ) : (
        <div class="table-wrap">
          <table class="windows">
            <caption class="visually-hidden">{`Windows of account ${shortAccount(a.account)}`}</caption>
            <thead>
              <tr>
                <Heads cols={['Window', 'Used', { num: '%' }, 'Resets', 'Status']} />
              </tr>
            </thead>
            <tbody>
              {windows.map(([name, w]) => (
                <WindowRow name={name} w={w} tz={tz} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  )
}

export function LimitsPage(props: { accounts: AccountLimits[]; f: Filters; now: Date }) {
  const { accounts, now } = props
  const tz = props.f.timezone
  const at = accounts.filter((a) => accountLevel(a, now) === 'at').length
  const near = accounts.filter((a) => accountLevel(a, now) === 'near').length
  return (
    <Layout title="Limits" section="limits" filters={props.f}>
      <h1>Limits</h1>
      <p class="muted">
        {`Rate-limit and subscription windows as the providers last reported them, per account
          (a fingerprint of the credential, never the key). Times in ${tz}.`}
      </p>
      {accounts.length === 0 ? (
        <section class="empty">
          <h2>No accounts seen in the last 8 days.</h2>
          <p>
            Accounts appear once requests with a credential go through the proxy; Claude, OpenAI and
            Codex answers carry their windows.
          </p>
        </section>
      ) : (
        <>
          <p role="status">
            {`${accounts.length} account${accounts.length === 1 ? '' : 's'} · `}
            <strong class={at > 0 ? 'bad-text' : undefined}>{`${at} at a limit`}</strong>
            {' · '}
            <strong class={near > 0 ? 'warn-text' : undefined}>{`${near} near one`}</strong>
          </p>
          <div class="accounts">
            {accounts.map((a) => (
              <AccountCard a={a} tz={tz} now={now} />
            ))}
          </div>
        </>
      )}
    </Layout>
  )
}
