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
