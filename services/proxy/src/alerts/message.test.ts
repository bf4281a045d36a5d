import { expect, test } from 'bun:test'
import type { Budget, BudgetSpend } from '@tokentap/shared/budgets'
import { budgetAlertMessage, degradedMessage, digestMessage, esc } from './message.ts'

const budget: Budget = {
  name: 'team <daily>',
  period: 'day',
  limitUsd: 50,
  thresholds: [0.5, 1],
  scope: { project: 'billing-bot' },
}
const spend: BudgetSpend = {
  spentUsd: 41.2,
  requests: 12,
  unpricedRequests: 2,
  estimatedRequests: 0,
}
const window = { start: new Date('2026-03-29T22:00:00Z'), end: new Date('2026-03-30T22:00:00Z') }
const top = {
  models: [{ name: 'claude-sonnet-4-5', spentUsd: 30, requests: 5 }],
  users: [
    { name: 'alice', spentUsd: 20, requests: 3 },
    { name: '', spentUsd: 1, requests: 1 },
  ],
  projects: [],
}

test('budget alert: figures, scope, window in the zone, link; names escaped', () => {
  const m = budgetAlertMessage({
    budget,
    timezone: 'Europe/Berlin',
    window,
    threshold: 0.8,
    spend,
    top,
    dashboardUrl: 'https://dash.example',
  })
  const text = JSON.stringify(m)
  expect(m.text).toBe(
    ':warning: Budget team &lt;daily&gt;: 80 % reached: $41.20 of $50.00 (82.4 %)',
  )
  expect(text).toContain('*Scope*\\nproject=billing-bot')
  expect(text).toContain('Mon 30 Mar 2026 00:00 → Tue 31 Mar 2026 00:00 (Europe/Berlin)')
  expect(text).toContain('1. claude-sonnet-4-5 — $30.00')
  expect(text).toContain('2. (none) — $1.00')
  expect(text).toContain('2 unpriced request(s)')
  expect(text).toContain('https://dash.example/budgets')
  const noLink = budgetAlertMessage({
    budget,
    timezone: 'UTC',
    window,
    threshold: 1,
    spend,
    top,
    dashboardUrl: undefined,
  })
  expect(JSON.stringify(noLink)).not.toContain('"actions"')
  expect(noLink.text).toStartWith(':rotating_light:')
  expect(JSON.stringify(noLink)).not.toContain('blocking')
})

test('a blocking budget at its limit: the alert says it blocks, and until when', () => {
  const at = (threshold: number) =>
    budgetAlertMessage({
      budget: { ...budget, action: 'block' },
      timezone: 'Europe/Berlin',
      window,
      threshold,
      spend: { ...spend, spentUsd: 50.5 },
      top,
      dashboardUrl: undefined,
    })
  const m = at(1)
  expect(m.text).toBe(
    ':no_entry: Budget team &lt;daily&gt; is blocking requests until Tue 31 Mar 2026 00:00 (Europe/Berlin): $50.50 of $50.00 (101 %)',
  )
  expect(JSON.stringify(m)).toContain(
    "refuses new billable requests in this budget's scope (project=billing-bot) until it resets on *Tue 31 Mar 2026 00:00 (Europe/Berlin)*",
  )
  expect(at(0.5).text).toStartWith(':warning: Budget team &lt;daily&gt;: 50 % reached')
})

test('esc masks secrets and escapes mrkdwn', () => {
  expect(esc('a&b <c> sk-ant-api03-abcdefghijklmnop')).toBe('a&amp;b &lt;c&gt; sk-ant-api0…')
})

test('digest and degraded messages', () => {
  const d = digestMessage({
    timezone: 'UTC',
    day: { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-10T00:00:00Z') },
    daySpend: { ...spend, unpricedRequests: 0 },
    dayTop: top,
    budgets: [{ budget, window, spend }],
    dashboardUrl: undefined,
  })
  expect(d.text).toBe('tokentap daily digest: Mon 9 Mar 2026 (UTC): $41.20 billed over 12 requests')
  expect(JSON.stringify(d)).toContain('$41.20 of $50.00 (82.4 %)')
  // subscription traffic's value is said apart, never added to the billed spend
  const withValue = digestMessage({
    timezone: 'UTC',
    day: { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-10T00:00:00Z') },
    daySpend: { ...spend, unpricedRequests: 0 },
    dayTop: top,
    budgets: [],
    dashboardUrl: undefined,
    daySubscriptionValueUsd: 7.5,
  })
  expect(withValue.text).toContain('$41.20 billed over 12 requests · subscription value $7.50')
  const g = degradedMessage({
    host: 'proxy-1',
    state: 'degraded',
    minutes: 6,
    spoolBytes: 2_097_152,
    queueDepth: 4,
    databaseDown: true,
  })
  expect(g.text).toContain('degraded for 6 min (Postgres unreachable; 2.0 MB spooled')
})
