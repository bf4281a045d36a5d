import { describe, expect, test } from 'bun:test'
import type { EventDetail } from '@tokentap/shared/api'
import { eventRow, fakeData } from '../testing/fake-data.ts'
import { expectCspClean, get } from '../testing/pages.ts'

const ID = '0197a000-0000-7000-8000-0000000000aa'

const detail = (o: Partial<EventDetail> = {}): EventDetail => ({
  ...eventRow({ id: ID, reasoningTokens: 12, credits: 1.5 }),
  responseId: 'msg_01<b>',
  requestBytes: 2048,
  responseBytes: 4096,
  error: null,
  parseError: 'bad </pre><script>x</script>',
  priceVersion: '2026-01-01',
  rawUsage: { input_tokens: 30, note: '<tag>' },
  recordedAt: '2026-01-15T10:00:02.000Z',
  bodies: { request: '{"model":"claude"}', response: null },
  ...o,
})

describe('event detail', () => {
  test('every field, bodies and raw usage, escaped', async () => {
    const d = fakeData({ detail: detail() })
    const { status, html } = await get(d, `/events/${ID}?range=30d&outcome=ok`, {
      cookie: 'tz=Europe/Paris',
    })
    expect(status).toBe(200)
    expect(d.calls.find((c) => c.method === 'event')?.arg).toBe(ID)
    for (const s of [
      'api.anthropic.com',
      '/v1/messages',
      'claude-sonnet-4-5',
      '2026-01-15 11:00:00', // started, Paris
      '2026-01-15 11:00:02', // recorded
      '2,048',
      '4,096',
      '1.2 s',
      '200 ms',
      'genai-prices',
      '2026-01-01',
      '0.00215250',
      '$0.0022',
      'billing-bot',
      'claude-cli',
      '1.5',
      'msg_01&lt;b&gt;',
      'bad &lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;',
      '&quot;note&quot;: &quot;&lt;tag&gt;&quot;',
      '{&quot;model&quot;:&quot;claude&quot;}',
      '(not captured)',
      'Captured bodies',
    ]) {
      expect(html).toContain(s)
    }
    expect(html).toContain('href="/events?range=30d&amp;tz=Europe%2FParis&amp;outcome=ok"')
    expectCspClean(html)
  })

  test('session and sub-agent: the session links to its page', async () => {
    const e = detail({ session: 's-1', agent: 'a0aaff6c392cc486a', agentType: 'general-purpose' })
    const { html } = await get(fakeData({ detail: e }), `/events/${ID}?range=30d`)
    expect(html).toContain('<a href="/sessions/s-1?range=30d"><code>s-1</code></a>')
    expect(html).toContain('a0aaff6c392cc486a')
    expect(html).toContain('general-purpose')
    expectCspClean(html)
  })

  test('billing kind and the account fingerprint (short, full in the title)', async () => {
    const d = fakeData({
      detail: detail({ billingKind: 'subscription', account: 'ab12cd34ef56ab12cd34' }),
    })
    const { html } = await get(d, `/events/${ID}`)
    expect(html).toContain('subscription')
    expect(html).toContain('<code title="ab12cd34ef56ab12cd34">ab12cd34</code>')
    expect(html).toContain('Value (covered by a subscription)')
  })

  test('billed units: tier, geo, speed, units by kind, not priced, iterations', async () => {
    const d = fakeData({
      detail: detail({
        costUsd: 0.5,
        serviceTier: 'priority',
        inferenceGeo: 'us',
        speed: 'fast',
        units: { web_fetches: 1, web_searches: 3, output_audio_tokens: 20, new_tool_calls: 2 },
        webSearches: 3,
        audioOutputTokens: 20,
        unpricedUnits: ['web_fetches', 'advisor_message:<x>'],
        subUsage: [
          {
            kind: 'message',
            model: 'claude-sonnet-4-5',
            inputTokens: 1200,
            outputTokens: 40,
            cacheReadTokens: 0,
            cacheWrite5mTokens: 7,
            cacheWrite1hTokens: 0,
          },
          {
            kind: 'advisor_message',
            model: null,
            inputTokens: 300,
            outputTokens: 9,
            cacheReadTokens: 0,
            cacheWrite5mTokens: 0,
            cacheWrite1hTokens: 0,
          },
        ],
      }),
    })
    const { html } = await get(d, `/events/${ID}`)
    const section = html.slice(html.indexOf('aria-label="Billed units"')).split('</section>')[0]
    for (const s of [
      '<dt>Service tier</dt><dd>priority</dd>',
      '<dt>Inference geo</dt><dd>us</dd>',
      '<dt>Speed</dt><dd>fast</dd>',
      '<dt>Audio output tokens (part of output)</dt><dd>20</dd>',
      '<dt>Web searches</dt><dd>3</dd>',
      '<dt>Web fetches</dt><dd>1</dd>',
      '<dt>new_tool_calls</dt><dd>2</dd>',
      '<span class="unpriced">not priced: web_fetches, advisor_message:&lt;x&gt;</span>',
    ]) {
      expect(section).toContain(s)
    }
    // token parts first, then uses in their documented order, then kinds we do not know
    const order = ['Audio output', 'Web searches', 'Web fetches', 'new_tool_calls']
    const at = order.map((s) => section?.indexOf(s) ?? -1)
    expect(at).toEqual([...at].sort((a, b) => a - b))
    // the cost says it is a lower bound, naming what it leaves out
    expect(html).toContain('$0.5000')
    expect(html).toContain(
      'title="a lower bound: not priced: web_fetches, advisor_message:&lt;x&gt;"',
    )
    // iterations: counted in the buckets or not
    const its = html.slice(html.indexOf('id="iterations"')).split('</section>')[0] ?? ''
    expect(its).toContain('<th scope="row">message</th><td>claude-sonnet-4-5</td>')
    expect(its).toContain('<td class="num">1,200</td>')
    expect(its).toContain('<th scope="row">advisor_message</th><td>(none)</td>')
    expect(its).toContain('<span class="muted">no</span>')
    expectCspClean(html)
  })

  test('no billed units: dashes, no not-priced mark, no iterations section', async () => {
    const { html } = await get(fakeData({ detail: detail() }), `/events/${ID}`)
    expect(html).toContain('<dt>Units</dt><dd><span class="muted">—</span></dd>')
    expect(html).toContain('<dt>Not priced</dt><dd><span class="muted">—</span></dd>')
    expect(html).not.toContain('not priced:')
    expect(html).not.toContain('id="iterations"')
  })

  test('no bodies section when capture is off', async () => {
    const { html } = await get(fakeData({ detail: detail({ bodies: null }) }), `/events/${ID}`)
    expect(html).not.toContain('Captured bodies')
  })

  test('unknown and malformed ids are 404 (malformed never reaches the query layer)', async () => {
    expect((await get(fakeData(), `/events/${ID}`)).status).toBe(404)
    const d = fakeData({ detail: detail() })
    const bad = await get(d, "/events/1'%20or%201=1")
    expect(bad.status).toBe(404)
    expect(d.calls.some((c) => c.method === 'event')).toBe(false)
  })
})
