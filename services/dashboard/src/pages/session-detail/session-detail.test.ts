import { describe, expect, test } from 'bun:test'
import type { AgentRow, SessionDetail } from '@tokentap/shared/api'
import { fakeData, sessionRow, zeroTotals } from '../testing/fake-data.ts'
import { expectCspClean, get } from '../testing/pages.ts'

const ID = '7f713c82-2434-4741-a166-4f587a5a8096'

const agent = (o: Partial<AgentRow>): AgentRow => ({
  ...zeroTotals(),
  agent: null,
  agentType: null,
  firstAt: '2026-01-15T09:00:00.000Z',
  lastAt: '2026-01-15T11:30:00.000Z',
  requests: 10,
  billableRequests: 10,
  inputTokens: 500,
  costUsd: 0.75,
  ...o,
})

const detail = (o: Partial<SessionDetail> = {}): SessionDetail => ({
  ...sessionRow({ session: ID }),
  agents: [
    agent({}),
    agent({ agent: 'a0aaff6c392cc486a', agentType: 'general-purpose', costUsd: 0.5 }),
    agent({ agent: '<i>x</i>', agentType: null, costUsd: 0, unpricedRequests: 10 }),
  ],
  ...o,
})

describe('session page', () => {
  test('who, when, totals and the breakdown by sub-agent, main thread first', async () => {
    const d = fakeData({ session: detail() })
    const { status, html } = await get(d, `/sessions/${ID}?range=30d`)
    expect(status).toBe(200)
    expect(d.calls.find((c) => c.method === 'session')?.arg).toBe(ID)
    for (const s of [
      `<code>${ID}</code>`,
      'claude-code',
      'billing-bot',
      '2026-01-15 09:00:00',
      '2026-01-15 11:30:00',
      '2 h 30 min',
      '$1.25',
    ]) {
      expect(html).toContain(s)
    }
    const main = html.indexOf('Main thread')
    expect(main).toBeGreaterThan(0)
    expect(main).toBeLessThan(html.indexOf('general-purpose'))
    expect(html).toContain('<span class="sub" title="a0aaff6c392cc486a">a0aaff6c392cc486a</span>')
    // A sub-agent without a kind; its hostile id escaped; unpriced, never $0.
    expect(html).toContain(
      'sub-agent<span class="sub" title="&lt;i&gt;x&lt;/i&gt;">&lt;i&gt;x&lt;/i&gt;</span>',
    )
    expect(html).toContain('<span class="unpriced">unpriced</span>')
    expectCspClean(html)
  })

  test('links: back to the list with the filters; its requests in the event log over its span', async () => {
    const { html } = await get(
      fakeData({ session: detail() }),
      `/sessions/${ID}?range=30d&user=alice`,
    )
    expect(html).toContain('<a href="/sessions?range=30d&amp;user=alice">← Sessions</a>')
    expect(html).toContain(
      `href="/events?from=2026-01-15T09%3A00%3A00Z&amp;to=2026-01-15T11%3A31%3A00Z&amp;session=${ID}"`,
    )
  })

  test('live: the body refreshes from its fragment; the feed is filtered to the session', async () => {
    const { html } = await get(fakeData({ session: detail() }), `/sessions/${ID}`)
    expect(html).toContain(`sse-connect="/api/stream?session=${ID}"`)
    expect(html).toContain(`hx-get="/fragments/sessions/${ID}"`)
    const frag = await get(fakeData({ session: detail() }), `/fragments/sessions/${ID}`)
    expect(frag.html.startsWith('<div id="session-body"')).toBe(true)
    expect((await get(fakeData(), `/fragments/sessions/${ID}`)).status).toBe(404)
  })

  test('any printable id, encoded in the path; unknown or too long: 404', async () => {
    const d = fakeData({ session: detail({ session: 'run 42/a?b' }) })
    const { status } = await get(d, '/sessions/run%2042%2Fa%3Fb')
    expect(status).toBe(200)
    expect(d.calls.find((c) => c.method === 'session')?.arg).toBe('run 42/a?b')
    const missing = await get(fakeData(), '/sessions/nope')
    expect(missing.status).toBe(404)
    expect(missing.html).toContain('No session nope.')
    const long = fakeData()
    expect((await get(long, `/sessions/${'x'.repeat(201)}`)).status).toBe(404)
    expect(long.calls.filter((c) => c.method === 'session')).toEqual([])
  })
})
