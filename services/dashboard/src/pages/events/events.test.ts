import { describe, expect, test } from 'bun:test'
import { eventRow, fakeData } from '../testing/fake-data.ts'
import { expectCspClean, get } from '../testing/pages.ts'

const A = '0197a000-0000-7000-8000-00000000000a'
const B = '0197a000-0000-7000-8000-00000000000b'
const C = '0197a000-0000-7000-8000-00000000000c'

const events = [
  eventRow({ id: B, startedAt: '2026-01-15T11:00:00.000Z' }),
  eventRow({
    id: A,
    model: '<img src=x onerror=alert(1)>',
    user: '"><b>bob',
    costUsd: null,
    usageSource: 'estimated',
    outcome: 'upstream_error',
    status: 529,
    stream: false,
  }),
]

describe('event log', () => {
  test('rows newest first with formatted figures, link to detail keeping filters', async () => {
    const { status, html } = await get(
      fakeData({ events, nextCursor: 'CUR' }),
      '/events?range=30d&outcome=ok&stream=true',
    )
    expect(status).toBe(200)
    expect(html.indexOf(`ev-${B}`)).toBeLessThan(html.indexOf(`ev-${A}`))
    expect(html).toContain(`href="/events/${B}?range=30d&amp;outcome=ok&amp;stream=true"`)
    expect(html).toContain('2026-01-15 11:00:00')
    expect(html).toContain('$0.0022')
    expect(html).toContain('1.2 s')
    expect(html).toContain('upstream error')
    expect(html).toContain('<span class="unpriced">unpriced</span>')
    expectCspClean(html)
  })

  test('a subscription-covered request shows its value marked, not as billed spend', async () => {
    const covered = eventRow({
      id: C,
      billingKind: 'subscription',
      account: 'ab12cd34ef56ab12cd34',
    })
    const { html } = await get(fakeData({ events: [covered] }), '/events')
    expect(html).toContain('class="cost-wrap covered"')
    expect(html).toContain('covered by a subscription: API-equivalent value, not billed')
    expect(html).toContain('<span class="tag">sub</span>')
    const billed = await get(
      fakeData({ events: [eventRow({ billingKind: 'api_key' })] }),
      '/events',
    )
    expect(billed.html).not.toContain('covered')
  })

  test('hostile strings are escaped', async () => {
    const { html } = await get(fakeData({ events }), '/events')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('"><b>bob')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  test('older link carries the cursor and the filters; a cursor page offers Newest', async () => {
    const d = fakeData({ events, nextCursor: 'abc/+=' })
    const { html } = await get(d, '/events?model=gpt-5&outcome=failed')
    expect(html).toContain('href="/events?model=gpt-5&amp;outcome=failed&amp;cursor=abc%2F%2B%3D"')
    const page2 = await get(d, '/events?model=gpt-5&outcome=failed&cursor=abc%2F%2B%3D')
    const call = d.calls.filter((c) => c.method === 'events').at(-1)
    expect(call?.arg).toEqual({ cursor: 'abc/+=', limit: 50 })
    expect(call?.f?.outcome).toBe('failed')
    expect(page2.html).toContain('href="/events?model=gpt-5&amp;outcome=failed">← Newest')
    // Older pages are not live.
    expect(page2.html).not.toContain('sse-connect')
  })

  test('first page is live: tbody refreshes from the newer fragment after the newest id', async () => {
    const { html } = await get(fakeData({ events }), '/events?provider=openai')
    // The feed itself is filtered: only matching records wake the page.
    expect(html).toContain('sse-connect="/api/stream?provider=openai"')
    expect(html).toContain(`<input type="hidden" id="live-after" name="after" value="${B}"/>`)
    expect(html).toMatch(
      /<tbody id="event-rows" data-live="" hx-get="\/fragments\/events\/newer\?provider=openai" hx-include="#live-after" hx-trigger="tt-live" hx-swap="afterbegin">/,
    )
  })

  test('newer fragment: rows and an out-of-band after input', async () => {
    const d = fakeData({ newer: [eventRow({ id: C })] })
    const { status, html } = await get(d, `/fragments/events/newer?user=alice&after=${B}`)
    expect(status).toBe(200)
    expect(html.startsWith(`<tr id="ev-${C}" class="fresh">`)).toBe(true)
    expect(html).toContain(
      `<template><input type="hidden" id="live-after" name="after" value="${C}" hx-swap-oob="true"/></template>`,
    )
    const call = d.calls.find((c) => c.method === 'eventsAfter')
    expect(call?.arg).toBe(B)
    expect(call?.f?.user).toBe('alice')
    const none = await get(fakeData(), `/fragments/events/newer?after=${B}`)
    expect(none.html).toBe('')
    expect((await get(fakeData(), '/fragments/events/newer?after=1;drop')).status).toBe(400)
  })

  test('empty log: empty state, and the live table still present for the first row', async () => {
    const { html } = await get(fakeData(), '/events')
    expect(html).toContain('No requests in this range yet.')
    expect(html).toContain('id="event-rows"')
    expect(html).toContain('value="00000000-0000-0000-0000-000000000000"')
  })

  test('filter form: GET, labelled fields, current values selected, (none) option', async () => {
    const d = fakeData({ events, options: { user: ['alice', ''] } })
    const { html } = await get(d, '/events?user=alice&stream=false')
    expect(html).toContain('<form class="filters" method="get" action="/events"')
    expect(html).toContain('<label for="f-outcome">Outcome</label>')
    expect(html).toContain('<option value="alice" selected="">alice</option>')
    expect(html).toContain('<option value="(none)">(none)</option>')
    expect(html).toContain('<option value="false" selected="">not streamed</option>')
  })

  test('billed units: a partially priced row says what was not priced; a tier is tagged', async () => {
    const partial = eventRow({
      id: C,
      costUsd: 0.0125,
      serviceTier: 'priority',
      units: { web_searches: 2, web_fetches: 1 },
      unpricedUnits: ['web_fetches'],
    })
    const plain = eventRow({ id: B, serviceTier: 'standard', units: { web_searches: 1 } })
    const { html } = await get(fakeData({ events: [partial, plain] }), '/events')
    const row = (id: string) => html.slice(html.indexOf(`ev-${id}`)).split('</tr>')[0] ?? ''
    expect(row(C)).toContain('$0.0125')
    expect(row(C)).toContain(
      '<abbr class="partial" title="a lower bound: not priced: web_fetches">',
    )
    expect(row(C)).toContain(' + not priced: web_fetches')
    expect(row(C)).toContain('title="service tier the provider billed">priority</span>')
    expect(row(B)).not.toContain('partial')
    expect(row(B)).not.toContain('standard')
    expectCspClean(html)
  })

  test('bad filter → 400', async () => {
    const { status, html } = await get(fakeData(), '/events?stream=maybe')
    expect(status).toBe(400)
    expect(html).toContain('stream: expected true or false')
  })

  test('session filter: passed to the query, in the form, kept by paging, linked to its page', async () => {
    const sub = eventRow({
      id: C,
      session: 'run 42/a',
      agent: 'a0aaff6c392cc486a',
      agentType: 'Explore',
    })
    const d = fakeData({ events: [sub], nextCursor: 'N' })
    const { html } = await get(d, '/events?range=30d&session=run+42%2Fa')
    expect(d.calls.find((c) => c.method === 'events')?.f?.session).toBe('run 42/a')
    expect(html).toContain('<input id="f-session" type="text" name="session" value="run 42/a"')
    expect(html).toContain('href="/events?range=30d&amp;session=run+42%2Fa&amp;cursor=N"')
    expect(html).toContain('href="/sessions/run%2042%2Fa?range=30d"')
    // The sub-agent's kind under the program; its id in the title.
    expect(html).toContain('<span class="sub" title="a0aaff6c392cc486a">sub-agent Explore</span>')
    // The live feed is filtered to the session too.
    expect(html).toContain('sse-connect="/api/stream?range=30d&amp;session=run+42%2Fa"')
    // Other pages' links drop it.
    expect(html).toContain('href="/?range=30d"')
    expectCspClean(html)
  })
})
