// Slack messages of the limit alerts (issue 16), pure: a subscription window past a threshold,
// an account that started getting rate-limited, a user who worked on a subscription and started
// sending API-key-billed traffic. Accounts appear as their fingerprint's short form, never a
// credential; names are redacted and escaped like the budget alerts'.

import {
  type AccountLimits,
  durationLabel,
  type LimitWindow,
  shortAccount,
  windowLabel,
} from '@tokentap/shared/accounts'
import { BILLING_LABELS, formatPercent, formatUntil } from '@tokentap/shared/api'
import { formatLocal } from '@tokentap/shared/time'
import { esc, link, plain, type SlackBlock, type SlackMessage } from './message.ts'

const accountText = (a: Pick<AccountLimits, 'account' | 'provider' | 'billingKind'>): string =>
  `\`${shortAccount(a.account)}\` (${esc(a.provider)}, ${BILLING_LABELS[a.billingKind]})`

const when = (iso: string | null, tz: string, now: Date): string => {
  if (iso === null) return 'unknown'
  const ms = Date.parse(iso)
  return `${formatLocal(new Date(ms), tz)} ${tz}${ms > now.getTime() ? ` (${formatUntil(ms - now.getTime())})` : ''}`
}

const fields = (pairs: [string, string][]): SlackBlock => ({
  type: 'section',
  fields: pairs.map(([title, text]) => ({ type: 'mrkdwn', text: `*${title}*\n${text}` })),
})

export interface LimitWindowAlert {
  account: AccountLimits
  name: string
  window: LimitWindow
  threshold: number
  timezone: string
  now: Date
  dashboardUrl: string | undefined
}

export function limitWindowMessage(a: LimitWindowAlert): SlackMessage {
  const label = windowLabel(a.name, a.window)
  const icon = a.threshold >= 0.95 ? ':rotating_light:' : ':warning:'
  const title = `${a.account.provider} ${label} window at ${formatPercent(a.window.used)}`
  const length = a.window.minutes ? ` (${durationLabel(a.window.minutes)})` : ''
  return {
    text: `${icon} ${esc(title)}: account ${shortAccount(a.account.account)}, last user ${esc(a.account.lastUser ?? '(none)')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: plain(title), emoji: true } },
      fields([
        ['Account', accountText(a.account)],
        ['Last user', esc(a.account.lastUser ?? '(none)')],
        ['Window', `${esc(label)}${length}`],
        ['Used', `${formatPercent(a.window.used)} (alert at ${formatPercent(a.threshold)})`],
        ['Resets', when(a.window.resetAt, a.timezone, a.now)],
        ['Status', esc(a.window.status ?? a.account.status ?? '—')],
      ]),
      ...link(a.dashboardUrl, 'Open limits', '/limits'),
    ],
  }
}

export function rateLimitedMessage(a: {
  account: AccountLimits
  since: Date
  timezone: string
  now: Date
  dashboardUrl: string | undefined
}): SlackMessage {
  const title = `${a.account.provider} account ${shortAccount(a.account.account)} is being rate-limited`
  return {
    text: `:rotating_light: ${esc(title)} (429 since ${formatLocal(a.since, a.timezone)} ${a.timezone}), last user ${esc(a.account.lastUser ?? '(none)')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: plain(title), emoji: true } },
      fields([
        ['Account', accountText(a.account)],
        ['Last user', esc(a.account.lastUser ?? '(none)')],
        ['First 429', when(a.since.toISOString(), a.timezone, a.now)],
        ['429s seen', String(a.account.count429)],
      ]),
      ...link(a.dashboardUrl, 'Open limits', '/limits'),
    ],
  }
}

export interface ApiKeySwitch {
  provider: string
  user: string | null
  /** The first API-key-billed request after subscription work. */
  firstAt: Date
  model: string | null
  account: string | null
  /** The user's last subscription-covered request before it. */
  lastSubscriptionAt: Date | null
}

export function apiKeySwitchMessage(a: {
  s: ApiKeySwitch
  timezone: string
  now: Date
  dashboardUrl: string | undefined
}): SlackMessage {
  const who = esc(a.s.user ?? '(no user)')
  const title = `${a.s.user ?? '(no user)'} switched from a subscription to API-key billing (${a.s.provider})`
  return {
    text: `:warning: ${esc(title)}: requests are now billed per token`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: plain(title), emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${who} worked on a ${esc(a.s.provider)} subscription and has started sending requests billed to an API key. Check that this is intended: API-key usage is billed per token.`,
        },
      },
      fields([
        ['User', who],
        ['Provider', esc(a.s.provider)],
        ['First API-key request', when(a.s.firstAt.toISOString(), a.timezone, a.now)],
        [
          'Last subscription request',
          a.s.lastSubscriptionAt
            ? when(a.s.lastSubscriptionAt.toISOString(), a.timezone, a.now)
            : '—',
        ],
        ['Model', esc(a.s.model ?? '—')],
        ['API-key account', a.s.account ? `\`${shortAccount(a.s.account)}\`` : '—'],
      ]),
      ...link(a.dashboardUrl, 'Open events', '/events'),
    ],
  }
}
