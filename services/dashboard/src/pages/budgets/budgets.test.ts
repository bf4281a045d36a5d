import { describe, expect, test } from 'bun:test'
import type { BudgetStatus } from '@tokentap/shared/api'
import { fakeData } from '../testing/fake-data.ts'
import { expectCspClean, get, NOW } from '../testing/pages.ts'

const status = (o: Partial<BudgetStatus> = {}): BudgetStatus => ({
  budget: {
    name: 'team <daily>',
    period: 'day',
    limitUsd: 50,
    thresholds: [0.5, 0.8, 1],
    scope: { project: 'billing-bot' },
  },
  window: { start: '2026-01-15T00:00:00.000Z', end: '2026-01-16T00:00:00.000Z' },
  spend: { spentUsd: 42.5, requests: 1200, unpricedRequests: 2, estimatedRequests: 0 },
  ratio: 0.85,
  alerts: [
    {
      budget: 'team <daily>',
      threshold: 0.8,
      windowStart: '2026-01-15T00:00:00.000Z',
      createdAt: '2026-01-15T09:00:00.000Z',
      deliveredAt: null,
      attempts: 3,
      lastError: 'slack said 500',
    },
    {
      budget: 'team <daily>',
      threshold: 0.5,
      windowStart: '2026-01-15T00:00:00.000Z',
      createdAt: '2026-01-15T06:00:00.000Z',
      deliveredAt: '2026-01-15T06:00:01.000Z',
      attempts: 1,
      lastError: null,
    },
  ],
  blocking: false,
  blocked: null,
  ...o,
})

describe('budgets page', () => {
  test('each budget: scope, window, spend of limit, a meter and its alerts', async () => {
    const d = fakeData({ budgets: [status()] })
    const { status: code, html } = await get(d, '/budgets')
    expect(code).toBe(200)
    expect(d.calls.find((c) => c.method === 'budgets')?.arg).toEqual(NOW)
    expect(html).toContain('team &lt;daily&gt;')
    expect(html).toContain('project = billing-bot · per day · billed spend')
    expect(html).toContain('$42.50')
    expect(html).toContain('of $50.00 (85%) · 1,200 requests')
    expect(html).toContain('+ 2 unpriced')
    expect(html).toMatch(/<meter min="0" max="50" value="42.5"/)
    expect(html).toContain('class="budget level-warn"')
    expect(html).toContain('1 alert not delivered yet')
    expect(html).toContain('<strong class="warn-text">pending</strong>')
    expect(html).toContain('slack said 500')
    expect(html).toContain('2026-01-15 06:00:01')
    expectCspClean(html)
  })

  test('over the limit: meter capped, marked over', async () => {
    const s = status({
      ratio: 1.3,
      spend: { spentUsd: 65, requests: 1, unpricedRequests: 0, estimatedRequests: 1 },
    })
    const { html } = await get(fakeData({ budgets: [s] }), '/budgets')
    expect(html).toContain('class="budget level-over"')
    expect(html).toContain('value="50"')
    expect(html).toContain('~$65.00')
    expect(html).toContain('(130%)')
  })

  test('a hard budget over its limit: blocking until the window ends, whom it refused', async () => {
    const hard = status({
      budget: { ...status().budget, name: 'hard', action: 'block', scope: { project: 'bot' } },
      ratio: 1.02,
      spend: { spentUsd: 51, requests: 9, unpricedRequests: 0, estimatedRequests: 0 },
      alerts: [],
      blocking: true,
      blocked: {
        requests: 5,
        users: [
          { user: 'alice', requests: 4, lastAt: '2026-01-15T11:30:00.000Z' },
          { user: null, requests: 1, lastAt: '2026-01-15T10:00:00.000Z' },
        ],
      },
    })
    const soft = status({ alerts: [] })
    const { html } = await get(fakeData({ budgets: [hard, soft] }), '/budgets')
    expect(html).toContain('Blocking now: hard</strong> — 5 requests refused')
    expect(html).toContain('project = bot · per day · billed spend · hard limit · ')
    expect(html).toContain(
      '<strong>Blocking</strong> new billable requests in its scope until <time datetime="2026-01-16T00:00:00.000Z">2026-01-16 00:00</time>',
    )
    expect(html).toContain('Blocked in this window: 5 requests')
    expect(html).toContain(
      'href="/events?range=custom&amp;from=2026-01-15T00%3A00%3A00.000Z&amp;to=2026-01-16T00%3A00%3A00.000Z&amp;outcome=blocked&amp;user=alice&amp;project=bot">alice</a>',
    )
    expect(html).toContain('user=%28none%29&amp;project=bot">(none)</a>')
    expect(html).toContain('2026-01-15 11:30:00')
    // The alert-only budget says nothing of blocking.
    expect(html.split('<article').at(-1)).not.toContain('lock')
    expectCspClean(html)
  })

  test('a hard budget under its limit: says it will block, refused nobody yet', async () => {
    const hard = status({
      budget: { ...status().budget, action: 'block' },
      blocked: { requests: 0, users: [] },
    })
    const { html } = await get(fakeData({ budgets: [hard] }), '/budgets')
    expect(html).not.toContain('Blocking now')
    expect(html).toContain('Blocks new billable requests in its scope once the limit is reached.')
    expect(html).not.toContain('Blocked in this window')
  })

  test('no budgets: says how to configure them', async () => {
    const { html } = await get(fakeData(), '/budgets')
    expect(html).toContain('No budgets configured.')
    expect(html).toContain('TOKENTAP_BUDGETS')
  })
})

describe('budgets navigation', () => {
  test('nav links keep the viewer range and zone', async () => {
    const { html } = await get(fakeData(), '/budgets?range=30d&tz=Asia/Tokyo')
    expect(html).toContain('href="/events?range=30d&amp;tz=Asia%2FTokyo"')
    expect(html).toContain('aria-current="page">Budgets')
  })
})
