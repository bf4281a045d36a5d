// The dashboard in a real browser (Debian chromium driven by playwright-core): log in through
// the form, see the overview, send a request through the proxy, and watch it arrive live — a new
// row in the event log and changed totals on the overview, and totals that follow a `tokentap
// reprice` — with no CSP violation on the way;
// then a Claude Code session with a sub-agent on the Sessions page (live), its page and its
// requests in the event log.
// Screenshots go to test/output/. Skipped (with a message) when /usr/bin/chromium is missing.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadRepriceTables, recomputeWith, repriceDatabase } from '@tokentap/proxy/reprice'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { type Stack, startStack } from './browser/stack.ts'

const CHROMIUM = '/usr/bin/chromium'
const OUTPUT = join(import.meta.dir, 'output')
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(`browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`)
}

/** Bounds how long a wait may hang; not a timing assertion. */
const WAIT = { timeout: 20_000 }

let stack: Stack
let browser: Browser
let context: BrowserContext
const problems: string[] = []

function watch(page: Page): Page {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`)
  })
  return page
}

const requestsCard = (page: Page) =>
  page.locator('.card', { has: page.locator('dt', { hasText: /^Requests$/ }) }).locator('.figure')

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true })
    stack = await startStack()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    // A viewer in Paris: app.js stores the zone in the tz cookie and the server renders in it.
    context = await browser.newContext({
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 900 },
    })
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await stack?.stop()
  })

  test('log in, see the overview, watch a proxied request arrive live', async () => {
    // One request before the page opens, so the overview has totals to change.
    await stack.send('alice+billing-bot')
    for (let i = 0; (await stack.count()) < 1; i++) {
      if (i > 300) throw new Error('first record never reached Postgres')
      await Bun.sleep(50)
    }

    const overview = watch(await context.newPage())
    await overview.goto(`${stack.dashboardUrl}/`)
    // Not logged in: the login form, then back to the overview.
    await overview.waitForSelector('input#key', WAIT)
    await overview.fill('input#key', stack.apiKey)
    await overview.click('button[type=submit]')
    await overview.waitForSelector('h1:text("Overview")', WAIT)
    // The tz cookie made the server render in the viewer's zone (after app.js's one reload).
    await overview.waitForSelector('.range-line:has-text("Europe/Paris")', WAIT)
    expect(await requestsCard(overview).textContent()).toBe('1')
    expect(await overview.locator('.card .cost').first().textContent()).toBe('$0.0022')
    // uPlot drew the chart from the data attribute (scripts run under the strict CSP).
    await overview.waitForSelector('.chart .uplot canvas', WAIT)
    await overview.waitForSelector('#live-status[data-state="open"]', WAIT)

    const log = watch(await context.newPage())
    await log.goto(`${stack.dashboardUrl}/events`)
    await log.waitForSelector('#event-rows tr', WAIT)
    expect(await log.locator('#event-rows tr').count()).toBe(1)
    await log.waitForSelector('#live-status[data-state="open"]', WAIT)

    await stack.send('carol+search')

    // The new row is prepended live, and the overview's totals follow.
    const fresh = log.locator('#event-rows tr.fresh', { hasText: 'carol' })
    await fresh.waitFor(WAIT)
    expect(await log.locator('#event-rows tr').count()).toBe(2)
    expect(await log.locator('#event-rows tr').first().textContent()).toContain('carol')
    // (Page functions as strings: this program is typed without the DOM lib.)
    await overview.waitForFunction(
      `[...document.querySelectorAll('.card')].some((c) =>
        c.querySelector('dt')?.textContent === 'Requests' &&
        c.querySelector('.figure')?.textContent === '2')`,
      null,
      WAIT,
    )
    expect(await overview.locator('.card .cost').first().textContent()).toBe('$0.0043')
    await overview.waitForSelector('#by-user ~ .table-wrap a:text("carol")', WAIT)

    const shots = [join(OUTPUT, 'overview.png'), join(OUTPUT, 'events.png')]
    await overview.screenshot({ path: shots[0]!, fullPage: true })
    await log.screenshot({ path: shots[1]!, fullPage: true })
    for (const s of shots) console.log(`screenshot: ${s}`)

    // The row links to the detail page with every field.
    await fresh.locator('a').first().click()
    await log.waitForSelector('h1:has-text("claude-sonnet-4-5")', WAIT)
    expect(await log.locator('.fields').first().textContent()).toContain('api.anthropic.com')
    expect(await log.locator('section[aria-label="Attribution"]').textContent()).toContain('carol')
    await log.screenshot({ path: join(OUTPUT, 'event-detail.png'), fullPage: true })

    // Narrow screens: no horizontal overflow of the page itself (tables scroll inside).
    await overview.setViewportSize({ width: 380, height: 800 })
    const overflow = await overview.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await overview.screenshot({ path: join(OUTPUT, 'overview-narrow.png'), fullPage: true })

    // `tokentap reprice` with a negotiated rate ($100 per MTok for every bucket): each request's
    // 30 + 70 + 500 + 150 + 50 tokens cost $0.08 ($0.1600 for both); the open overview follows by itself.
    const prices = join(OUTPUT, 'reprice-prices.json')
    writeFileSync(
      prices,
      JSON.stringify({
        models: [
          {
            provider: 'anthropic',
            model: 'claude-sonnet-4-5*',
            inputPerMTok: 100,
            outputPerMTok: 100,
            cacheReadPerMTok: 100,
            cacheWrite5mPerMTok: 100,
            cacheWrite1hPerMTok: 100,
          },
        ],
      }),
    )
    const repriced = await repriceDatabase(stack.db.sql, {
      since: null,
      until: new Date(),
      model: null,
      dryRun: false,
      recompute: recomputeWith(loadRepriceTables({ TOKENTAP_PRICES: prices })),
    })
    rmSync(prices)
    expect(repriced.changed).toBe(2)
    await overview.waitForSelector('.card .cost:text-is("$0.1600")', WAIT)
    expect(await overview.locator('.card .cost').first().textContent()).toBe('$0.1600')

    // Nothing was refused by the CSP and no script failed.
    expect(problems).toEqual([])
  }, 120_000)

  test('sessions: the list updates live; a session page by sub-agent; its requests in the log', async () => {
    const session = '7f713c82-2434-4741-a166-4f587a5a8096'
    const before = await stack.count()
    await stack.send('alice+web', { headers: [`X-Claude-Code-Session-Id: ${session}`] })
    for (let i = 0; (await stack.count()) <= before; i++) {
      if (i > 300) throw new Error('the session record never reached Postgres')
      await Bun.sleep(50)
    }

    const page = watch(await context.newPage())
    await page.goto(`${stack.dashboardUrl}/sessions`)
    if (await page.locator('input#key').count()) {
      await page.fill('input#key', stack.apiKey)
      await page.click('button[type=submit]')
    }
    await page.waitForSelector('h1:text("Sessions")', WAIT)
    const row = page.locator('table.sessions tbody tr', { hasText: '7f713c82-2434' })
    await row.waitFor(WAIT)
    expect(await row.locator('td.num').first().textContent()).toBe('1')
    expect(await row.textContent()).toContain('claude-code')
    await page.waitForSelector('#live-status[data-state="open"]', WAIT)

    // A sub-agent's request of the same session: the row follows live.
    await stack.send('alice+web', {
      headers: [
        `X-Claude-Code-Session-Id: ${session}`,
        'x-claude-code-agent-id: a0aaff6c392cc486a',
        'x-claude-code-agent-type: Explore',
      ],
    })
    // (A locator wait: predicate strings would be eval'd in the page, which the CSP forbids.)
    await page.waitForSelector(
      'table.sessions tbody tr:has-text("7f713c82-2434") td.num:text-is("2")',
      WAIT,
    )
    expect(await row.locator('td.num').last().textContent()).toBe('$0.0043')
    await page.screenshot({ path: join(OUTPUT, 'sessions.png'), fullPage: true })

    // Its page: the main thread and the sub-agent, each with its request.
    await row.locator('a').first().click()
    await page.waitForSelector('h1:text("Session")', WAIT)
    const agents = page.locator('table.agents tbody tr')
    expect(await agents.count()).toBe(2)
    expect(await agents.first().textContent()).toContain('Main thread')
    expect(await agents.last().textContent()).toContain('Explore')
    expect(await agents.last().textContent()).toContain('a0aaff6c392cc486a')
    await page.screenshot({ path: join(OUTPUT, 'session.png'), fullPage: true })

    // Its requests in the event log, filtered by the session.
    await page.click('a:text("Its requests in the event log")')
    await page.waitForSelector('#event-rows tr', WAIT)
    expect(await page.locator('#event-rows tr').count()).toBe(2)
    expect(await page.inputValue('#f-session')).toBe(session)
    expect(await page.locator('#event-rows').textContent()).toContain('sub-agent Explore')
    expect(problems).toEqual([])
  }, 120_000)

  test("the Limits page: a signed-in account near its 5-hour limit, reset in the viewer's zone", async () => {
    const before = await stack.count()
    await stack.send('dana', { oauth: true })
    for (let i = 0; (await stack.count()) <= before; i++) {
      if (i > 300) throw new Error('the signed-in request never reached Postgres')
      await Bun.sleep(50)
    }
    const page = watch(await context.newPage())
    await page.goto(`${stack.dashboardUrl}/limits`)
    await page.waitForSelector('h1:text("Limits")', WAIT)
    const card = page.locator('article.account', { hasText: 'dana' })
    await card.waitFor(WAIT)
    expect(await card.getAttribute('class')).toContain('level-near')
    expect(await card.locator('h2').textContent()).toContain('subscription')
    const five = card.locator('tr.window', { hasText: '5-hour' })
    expect(await five.getAttribute('class')).toContain('level-near')
    expect(await five.locator('meter').getAttribute('value')).toBe('0.83')
    // 17:00 UTC is 18:00 in Paris (CET in March 2030)
    expect(await five.locator('time').textContent()).toBe('2030-03-17 18:00')
    expect(await card.locator('tr.window', { hasText: '7-day' }).textContent()).toContain('41%')
    await page.screenshot({ path: join(OUTPUT, 'limits.png'), fullPage: true })
    console.log(`screenshot: ${join(OUTPUT, 'limits.png')}`)

    // The overview keeps the subscription's value apart from billed spend.
    const overview = watch(await context.newPage())
    await overview.goto(`${stack.dashboardUrl}/`)
    const value = overview
      .locator('.card', { has: overview.locator('dt', { hasText: /^Subscription value$/ }) })
      .locator('.figure')
    expect(await value.textContent()).toBe('$0.0022sub')
    expect(problems).toEqual([])
  }, 120_000)
})
