import { describe, expect, test } from 'bun:test'
import { eventRow, fakeData, zeroTotals } from '../testing/fake-data.ts'
import { expectCspClean, get } from '../testing/pages.ts'

const totals = {
  ...zeroTotals(),
  requests: 1234,
  errors: 5,
  billableRequests: 1200,
  inputTokens: 1_234_567,
  outputTokens: 89_000,
  cacheReadTokens: 5_000_000,
  cacheWrite5mTokens: 300,
  cacheWrite1hTokens: 200,
  reasoningTokens: 4_000,
  costUsd: 14.345,
  billedCostUsd: 12.345,
  subscriptionValueUsd: 2,
  subscriptionRequests: 40,
  unpricedRequests: 3,
  estimatedRequests: 2,
}
const HOSTILE = '<script>alert("x")</script>'

function data() {
  return fakeData({
    totals,
    breakdown: {
      model: [
        { ...totals, key: 'claude-sonnet-4-5' },
        { ...zeroTotals(), key: HOSTILE },
      ],
      user: [{ ...totals, key: '', estimatedRequests: 0, unpricedRequests: 0 }],
    },
    series: [
      { ...totals, t: '2026-01-14T00:00:00.000Z' },
      {
        ...totals,
        t: '2026-01-15T00:00:00.000Z',
        costUsd: 1,
        billedCostUsd: 1,
        subscriptionValueUsd: 0,
      },
    ],
    options: { model: ['claude-sonnet-4-5', HOSTILE] },
  })
}

describe('overview page', () => {
  test('totals per bucket, formatted, with ~$ and unpriced marks', async () => {
    const { status, html, res } = await get(data(), '/')
    expect(status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(html).toContain('<h1>Overview</h1>')
    expect(html).toContain('1,234') // requests
    expect(html).toContain('1.2M') // input tokens, compact
    expect(html).toContain('title="1,234,567"') // exact figure on hover
    // billed spend and the value of subscription traffic, apart
    expect(html).toContain('Billed spend')
    expect(html).toContain('~$12.35')
    expect(html).toContain('+ 3 unpriced')
    expect(html).toContain('Subscription value')
    expect(html).toContain('~$2.00')
    expect(html).toContain('40 requests covered')
    expect(html).not.toContain('$14.35')
    expect(html).toContain('5m 300 · 1h 200')
    expect(html).toContain('5 errors')
    expectCspClean(html)
    expect(html).toContain(
      '<meta name="htmx-config" content="{&quot;includeIndicatorStyles&quot;:false',
    )
  })

  test('billed units: web searches, audio tokens and partially priced requests where billed', async () => {
    const units = {
      ...totals,
      webSearches: 1_234,
      audioInputTokens: 40_000,
      audioOutputTokens: 2_500,
      partiallyPricedRequests: 7,
    }
    const d = fakeData({
      totals: units,
      breakdown: {
        model: [
          { ...units, key: 'gpt-4o-audio' },
          { ...zeroTotals(), key: 'x' },
        ],
      },
    })
    const { html } = await get(d, '/')
    expect(html).toContain('<dt>Web searches</dt><dd class="figure">1,234</dd>')
    expect(html).toContain(
      '<dt>Audio tokens</dt><dd class="figure"><span title="42,500">42.5k</span>',
    )
    expect(html).toContain('in 40,000 · out 2,500 · part of input / output')
    expect(html).toContain(' + 7 partially priced')
    const byModel = html.slice(html.indexOf('id="by-model"')).split('</section>')[0] ?? ''
    expect(byModel).toContain('Web searches')
    expect(byModel).toContain('Audio in/out')
    expect(byModel).toContain('<td class="num">1,234</td>')
    // a breakdown without units has no unit columns; totals without them no unit cards
    const byUser = html.slice(html.indexOf('id="by-user"')).split('</section>')[0] ?? ''
    expect(byUser).not.toContain('Web searches')
    const plain = await get(data(), '/')
    expect(plain.html).not.toContain('Web searches')
    expect(plain.html).not.toContain('Audio tokens')
    expect(plain.html).not.toContain('partially priced')
    expectCspClean(html)
  })

  test('the price tables: genai-prices version, TOKENTAP_PRICES file and the newest priced row', async () => {
    const d = fakeData({
      totals,
      prices: {
        genaiPrices: 'genai-prices@0.1.8',
        overrides: {
          file: 'prices<1>.json',
          modifiedAt: '2026-01-10T08:30:00.000Z',
          version: 'overrides:0123456789ab',
          error: null,
        },
        lastPriced: {
          priceVersion: 'overrides:0123456789ab',
          priceSource: 'override',
          startedAt: '2026-01-15T09:59:00.000Z',
        },
      },
    })
    const { html } = await get(d, '/', { cookie: 'tz=Europe/Paris' })
    expect(d.calls.some((c) => c.method === 'prices')).toBe(true)
    const line = html.slice(html.indexOf('aria-labelledby="prices-title"')).split('</section>')[0]
    expect(line).toContain('<code>genai-prices@0.1.8</code>')
    expect(line).toContain('the package names no data date')
    expect(line).toContain('TOKENTAP_PRICES prices&lt;1&gt;.json, modified ')
    expect(line).toContain('2026-01-10 09:30:00') // Paris
    expect(line).toContain('<code>overrides:0123456789ab</code>')
    expect(line).toContain('newest priced request: <code>overrides:0123456789ab</code> at ')
    expect(line).toContain('2026-01-15 10:59:00')
    expectCspClean(html)

    const unset = await get(fakeData({ totals }), '/')
    expect(unset.html).toContain(' · no TOKENTAP_PRICES')
    expect(unset.html).not.toContain('newest priced request')
    const broken = await get(
      fakeData({
        totals,
        prices: {
          genaiPrices: 'genai-prices@0.1.8',
          overrides: { file: 'p.json', modifiedAt: null, version: null, error: 'ENOENT' },
          lastPriced: null,
        },
      }),
      '/',
    )
    expect(broken.html).toContain('TOKENTAP_PRICES p.json: cannot be read (ENOENT)')
    // the live fragment does not carry it (the full page does)
    expect((await get(d, '/fragments/overview')).html).not.toContain('prices-title')
  })

  test('hostile dimension values are escaped everywhere', async () => {
    const { html } = await get(data(), '/')
    expect(html).not.toContain(HOSTILE)
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
  })

  test('breakdown links keep the filters and add the dimension; (none) links too', async () => {
    const { html } = await get(data(), '/?range=30d&provider=anthropic')
    expect(html).toContain(
      'href="/events?range=30d&amp;provider=anthropic&amp;model=claude-sonnet-4-5"',
    )
    expect(html).toContain('href="/events?range=30d&amp;provider=anthropic&amp;user=%28none%29"')
    // Nav links keep them as well.
    expect(html).toContain('href="/events?range=30d&amp;provider=anthropic"')
  })

  test('filters reach the query layer; hourly series for today, daily beyond', async () => {
    const d = data()
    await get(d, '/?range=today&model=gpt-5')
    const ts = d.calls.find((c) => c.method === 'timeseries')
    expect(ts?.arg).toBe('hour')
    expect(ts?.f?.model).toBe('gpt-5')
    expect(ts?.f?.from.toISOString()).toBe('2026-01-15T00:00:00.000Z')
    const d7 = data()
    await get(d7, '/')
    expect(d7.calls.find((c) => c.method === 'timeseries')?.arg).toBe('day')
    expect(d7.calls.filter((c) => c.method === 'breakdown').map((c) => c.arg)).toEqual([
      'model',
      'provider',
      'user',
      'project',
      'program',
    ])
  })

  test('chart data travels in a data attribute (epoch seconds, USD, tokens)', async () => {
    const { html } = await get(data(), '/')
    const m = /data-chart="([^"]*)"/.exec(html)
    expect(m).not.toBeNull()
    const json = JSON.parse(m![1]!.replaceAll('&quot;', '"'))
    expect(json.t).toEqual([
      Date.parse('2026-01-14T00:00:00Z') / 1000,
      Date.parse('2026-01-15') / 1000,
    ])
    expect(json.cost).toEqual([12.345, 1])
    expect(json.value).toEqual([2, 0])
    expect(json.tokens[0]).toBe(1_234_567 + 89_000 + 5_000_000 + 300 + 200)
    expect(json.tz).toBe('UTC')
  })

  test('live: SSE feed and a throttled refresh of the body on preset ranges only', async () => {
    const { html } = await get(data(), '/')
    expect(html).toContain('sse-connect="/api/stream"')
    expect(html).toContain('hx-trigger="sse:usage, sse:repriced"')
    expect(html).toMatch(/id="overview-body" data-live="" hx-get="\/fragments\/overview"/)
    const past = await get(data(), '/?from=2025-12-01&to=2025-12-31')
    expect(past.html).not.toContain('sse-connect')
    expect(past.html).not.toContain('data-live')
  })

  test('fragment returns the body only', async () => {
    const { status, html } = await get(data(), '/fragments/overview?range=today')
    expect(status).toBe(200)
    expect(html.startsWith('<div id="overview-body"')).toBe(true)
    expect(html).not.toContain('<html')
  })

  test('empty range: a clear empty state with how to point a client at the proxy', async () => {
    const { html } = await get(fakeData(), '/')
    expect(html).toContain('No requests in this range yet.')
    expect(html).toContain('HTTPS_PROXY=')
    expect(html).not.toContain('data-chart')
  })

  test('times follow the tz cookie, and ?tz= wins', async () => {
    const d = fakeData({ events: [eventRow()] })
    const { html } = await get(d, '/', { cookie: 'tz=Asia/Tokyo' })
    expect(html).toContain('(Asia/Tokyo)')
    const q = await get(d, '/?tz=America/New_York', { cookie: 'tz=Asia/Tokyo' })
    expect(q.html).toContain('(America/New_York)')
  })

  test('bad filters answer 400 with the reason', async () => {
    const { status, html } = await get(data(), '/?range=forever')
    expect(status).toBe(400)
    expect(html).toContain('Bad filter')
    expect(html).toContain('range: expected one of')
    const frag = await get(data(), '/fragments/overview?outcome=meh', { 'hx-request': 'true' })
    expect(frag.status).toBe(400)
    expect(frag.html).not.toContain('<html')
  })
})
