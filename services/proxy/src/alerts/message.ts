// Slack Block Kit messages (pure): a budget threshold alert (for a blocking budget at 100 %: it
// starts refusing requests), the daily digest and the degraded-recording alert. Only aggregate figures and attribution names (models, users, projects) go
// out; names are redacted and escaped for Slack mrkdwn. Never prompts, responses or keys.

import type { IncomingWebhookSendArguments } from '@slack/webhook'
import { redact } from '@tokentap/shared'
import {
  type Budget,
  type BudgetBreakdown,
  type BudgetSpend,
  type BudgetTop,
  type BudgetWindow,
  describeScope,
  formatBudgetWindow,
  formatLocal,
} from '@tokentap/shared/budgets'
import { percent, usd } from './decide.ts'

export type SlackBlock = NonNullable<IncomingWebhookSendArguments['blocks']>[number]
export interface SlackMessage {
  text: string
  blocks: SlackBlock[]
}

/** Slack mrkdwn control characters escaped, secrets masked. */
export function esc(text: string): string {
  return redact(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

export const plain = (text: string, max = 150): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text

function topList(title: string, tops: BudgetTop[]): string {
  if (tops.length === 0) return `*${title}*\n_none_`
  const lines = tops.map((t, i) => `${i + 1}. ${esc(t.name || '(none)')} — ${usd(t.spentUsd)}`)
  return `*${title}*\n${lines.join('\n')}`
}

/** A button to a dashboard page, when DASHBOARD_URL is set. */
export function link(
  dashboardUrl: string | undefined,
  label: string,
  path = '/budgets',
): SlackBlock[] {
  if (!dashboardUrl) return []
  return [
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: label },
          url: `${dashboardUrl}${path}`,
        },
      ],
    },
  ]
}

function caveats(spend: BudgetSpend): SlackBlock[] {
  const notes: string[] = []
  if (spend.unpricedRequests > 0) {
    notes.push(`${spend.unpricedRequests} unpriced request(s) are not counted in the spend`)
  }
  if (spend.estimatedRequests > 0) {
    notes.push(`${spend.estimatedRequests} request(s) use estimated token counts`)
  }
  if (notes.length === 0) return []
  return [{ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' · ') }] }]
}

export interface BudgetAlertInput {
  budget: Budget
  timezone: string
  window: BudgetWindow
  threshold: number
  spend: BudgetSpend
  top: BudgetBreakdown
  dashboardUrl: string | undefined
}

/** The alert for one crossed threshold. The people column lists users, or projects when the
 *  budget is scoped to a single user. */
export function budgetAlertMessage(a: BudgetAlertInput): SlackMessage {
  const { budget, spend } = a
  const ratio = spend.spentUsd / budget.limitUsd
  const blocking = budget.action === 'block' && a.threshold >= 1
  const icon = blocking ? ':no_entry:' : a.threshold >= 1 ? ':rotating_light:' : ':warning:'
  const title = blocking
    ? `Budget ${budget.name} is blocking requests`
    : `Budget ${budget.name}: ${percent(a.threshold)} reached`
  const figures = `${usd(spend.spentUsd)} of ${usd(budget.limitUsd)} (${percent(ratio)})`
  const byUser = budget.scope.user === undefined
  const until = `${formatLocal(a.window.end, a.timezone)} (${a.timezone})`
  return {
    text: blocking
      ? `${icon} ${esc(title)} until ${esc(until)}: ${figures}`
      : `${icon} ${esc(title)}: ${figures}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: plain(`${title}`), emoji: true } },
      ...(blocking
        ? [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `The proxy now refuses new billable requests in this budget's scope (${esc(describeScope(budget.scope))}) until it resets on *${esc(until)}*. Clients see the budget's name, spend and reset time in their provider's error.`,
              },
            } satisfies SlackBlock,
          ]
        : []),
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Budget*\n${esc(budget.name)}` },
          { type: 'mrkdwn', text: `*Scope*\n${esc(describeScope(budget.scope))}` },
          {
            type: 'mrkdwn',
            text: `*${budget.counts === 'all' ? 'Spent (with subscription value)' : 'Billed spend'}*\n${figures}`,
          },
          {
            type: 'mrkdwn',
            text: `*Threshold*\n${percent(a.threshold)} of ${usd(budget.limitUsd)} per ${budget.period}`,
          },
          { type: 'mrkdwn', text: `*Window*\n${esc(formatBudgetWindow(a.window, a.timezone))}` },
          { type: 'mrkdwn', text: `*Requests*\n${spend.requests}` },
        ],
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: topList('Top models', a.top.models) },
          byUser
            ? { type: 'mrkdwn', text: topList('Top users', a.top.users) }
            : { type: 'mrkdwn', text: topList('Top projects', a.top.projects) },
        ],
      },
      ...caveats(spend),
      ...link(a.dashboardUrl, 'Open budgets'),
    ],
  }
}

export interface DigestInput {
  timezone: string
  /** The day the digest reports (yesterday, in the zone). */
  day: BudgetWindow
  daySpend: BudgetSpend
  dayTop: BudgetBreakdown
  budgets: { budget: Budget; window: BudgetWindow; spend: BudgetSpend }[]
  dashboardUrl: string | undefined
  /** The day's subscription traffic at its API-equivalent value (not in daySpend, billed). */
  daySubscriptionValueUsd?: number
}

export function digestMessage(d: DigestInput): SlackMessage {
  const dayLabel = formatLocal(d.day.start, d.timezone).replace(/ \d\d:\d\d$/, '')
  const title = `tokentap daily digest: ${dayLabel} (${d.timezone})`
  const budgetLines = d.budgets.map(({ budget, spend }) => {
    const ratio = spend.spentUsd / budget.limitUsd
    return `• *${esc(budget.name)}* (${esc(describeScope(budget.scope))}, per ${budget.period}): ${usd(spend.spentUsd)} of ${usd(budget.limitUsd)} (${percent(ratio)})`
  })
  const value = d.daySubscriptionValueUsd ?? 0
  const valueText = value > 0 ? ` · subscription value ${usd(value)} (not billed)` : ''
  return {
    text: `${title}: ${usd(d.daySpend.spentUsd)} billed over ${d.daySpend.requests} requests${valueText}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: plain(title), emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Billed spend*\n${usd(d.daySpend.spentUsd)} over ${d.daySpend.requests} requests${valueText}`,
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: topList('Top models', d.dayTop.models) },
          { type: 'mrkdwn', text: topList('Top users', d.dayTop.users) },
        ],
      },
      ...(budgetLines.length > 0
        ? [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: `*Budgets now*\n${budgetLines.join('\n')}` },
            } satisfies SlackBlock,
          ]
        : []),
      ...caveats(d.daySpend),
      ...link(d.dashboardUrl, 'Open dashboard'),
    ],
  }
}

export interface DegradedInput {
  host: string
  state: 'degraded' | 'recovered'
  minutes: number
  spoolBytes: number
  queueDepth: number
  databaseDown: boolean
}

export function degradedMessage(d: DegradedInput): SlackMessage {
  const mb = (d.spoolBytes / 1_048_576).toFixed(1)
  const text =
    d.state === 'degraded'
      ? `:warning: tokentap proxy ${esc(d.host)}: usage recording degraded for ${d.minutes} min (${d.databaseDown ? 'Postgres unreachable' : 'spool not draining'}; ${mb} MB spooled, ${d.queueDepth} records queued). Records are kept on disk and replayed when Postgres is back.`
      : `:white_check_mark: tokentap proxy ${esc(d.host)}: usage recording recovered after ${d.minutes} min; the spool was replayed.`
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }
}
