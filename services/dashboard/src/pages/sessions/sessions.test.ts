import { describe, expect, test } from 'bun:test'
import { fakeData, sessionRow } from '../testing/fake-data.ts'
import { expectCspClean, get } from '../testing/pages.ts'

const rows = [
  sessionRow(),
  sessionRow({
    session: 'run 42/<b>"x"</b>',
    programs: [],
    users: ['alice', 'bob'],
    projects: [],
    costUsd: 0.5,
    billedCostUsd: 0.5,
    estimatedRequests: 2,
    unpricedRequests: 1,
  }),
]

describe('sessions list', () => {
  test('rows with program, user, project, first and last request, requests, tokens, cost', async () => {
    const d = fakeData({ sessions: rows })
    const { status, html } = await get(d, '/sessions?range=30d&user=alice', {
      cookie: 'tz=Europe/Paris',
    })
    expect(status).toBe(200)
    expect(d.calls.find((c) => c.method === 'sessions')?.arg).toEqual({ sort: 'cost', limit: 100 })
    expect(d.calls.find((c) => c.method === 'sessions')?.f?.user).toBe('alice')
    const first = html.indexOf('7f713c82-2434…')
    expect(first).toBeGreaterThan(0)
    expect(first).toBeLessThan(html.indexOf('run 42/&lt;b&gt;'))
    expect(html).toContain(
      'href="/sessions/7f713c82-2434-4741-a166-4f587a5a8096?range=30d&amp;tz=Europe%2FParis&amp;user=alice" title="7f713c82-2434-4741-a166-4f587a5a8096"',
    )
    // An id with any printable character: encoded in the path, escaped in the text.
    expect(html).toContain(
      'href="/sessions/run%2042%2F%3Cb%3E%22x%22%3C%2Fb%3E?range=30d&amp;tz=Europe%2FParis&amp;user=alice"',
    )
    expect(html).not.toContain('<b>"x"')
    for (const s of [
      'claude-code',
      'billing-bot',
      '2026-01-15 10:00:00',
      '2026-01-15 12:30:00',
      '33k',
      '$1.25',
    ]) {
      expect(html).toContain(s)
    }
    // Several users: the smallest and largest; none: (none); estimated and unpriced marks.
    expect(html).toContain('<td>alice … bob</td>')
    expect(html).toContain('<td>(none)</td>')
    expect(html).toContain('~$0.5000')
    expect(html).toContain('+ 1 unpriced')
    expectCspClean(html)
  })

  test('a subscription session: billed spend, and its API-equivalent value under it', async () => {
    const sub = sessionRow({
      costUsd: 2,
      billedCostUsd: 0,
      subscriptionRequests: 40,
      subscriptionValueUsd: 2,
    })
    const { html } = await get(fakeData({ sessions: [sub] }), '/sessions')
    expect(html).toContain('<span class="cost">$0.00</span>')
    expect(html).toMatch(/<span class="sub">.*\$2\.00/)
  })

  test('sortable: headers link to the other orders; the active one is marked; the form keeps it', async () => {
    const d = fakeData({ sessions: rows })
    const { html } = await get(d, '/sessions?sort=tokens')
    expect(d.calls.find((c) => c.method === 'sessions')?.arg).toEqual({
      sort: 'tokens',
      limit: 100,
    })
    expect(html).toContain('aria-sort="descending"><span>Tokens ↓</span>')
    expect(html).toContain('<a href="/sessions">Billed</a>')
    expect(html).toContain('<a href="/sessions?sort=last">Last request</a>')
    expect(html).toContain('<input type="hidden" name="sort" value="tokens"/>')
    expect(html).toContain('href="/api/sessions.csv?sort=tokens"')
  })

  test('filters: user, project and program only; a provider or model filter is said not to apply', async () => {
    const { html } = await get(fakeData({ sessions: rows }), '/sessions?model=gpt-5')
    expect(html).toContain('<label for="f-user">User</label>')
    expect(html).not.toContain('<label for="f-model">')
    expect(html).toContain('those filters do not apply here')
  })

  test('live: the body refreshes from its fragment, the feed carries the filters', async () => {
    const { html } = await get(fakeData({ sessions: rows }), '/sessions?user=alice&sort=last')
    expect(html).toContain('sse-connect="/api/stream?user=alice"')
    expect(html).toContain(
      '<div id="sessions-body" data-live="" hx-get="/fragments/sessions?user=alice&amp;sort=last" hx-trigger="tt-live" hx-swap="outerHTML">',
    )
    const frag = await get(fakeData({ sessions: rows }), '/fragments/sessions?user=alice&sort=last')
    expect(frag.html.startsWith('<div id="sessions-body"')).toBe(true)
  })

  test('empty: how sessions get recorded; a full page says there are more', async () => {
    const { html } = await get(fakeData(), '/sessions')
    expect(html).toContain('No sessions in this range.')
    expect(html).toContain('X-Tokentap-Session: ID')
    const full = Array.from({ length: 100 }, (_, i) => sessionRow({ session: `s-${i}` }))
    expect((await get(fakeData({ sessions: full }), '/sessions')).html).toContain(
      'The first 100 sessions; the CSV export has more.',
    )
  })

  test('bad sort or filter → 400 page naming it', async () => {
    const bad = await get(fakeData(), '/sessions?sort=cheapest')
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('sort: expected one of cost, last, requests, tokens')
    expectCspClean(bad.html)
    expect((await get(fakeData(), '/sessions?range=forever')).status).toBe(400)
  })

  test('the nav links to Sessions with the filters, marked current', async () => {
    const { html } = await get(fakeData(), '/sessions?range=today')
    expect(html).toContain('<a href="/sessions?range=today" aria-current="page">Sessions</a>')
    const overview = await get(fakeData(), '/?range=today&model=gpt-5')
    expect(overview.html).toContain('<a href="/sessions?range=today&amp;model=gpt-5">Sessions</a>')
  })
})
