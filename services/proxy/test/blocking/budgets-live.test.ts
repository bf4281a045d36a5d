// Hard budgets over time: Slack hears once when a budget starts blocking (and says until when),
// and a reloaded budgets file applies at once — a budget turned to `block` refuses the next
// request, a raised limit lets requests through again.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { spend } from '../alerts/helpers.ts'
import { type SlackMock, startSlackMock } from '../alerts/slack-mock.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'
import { sendAs } from './helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness
let slack: SlackMock
let budgetsFile: string

const MESSAGES = 'https://api.anthropic.com/v1/messages'
const API_KEY = 'x-api-key: sk-ant-api03-test'
const CAPPED =
  '{ name: capped-daily, period: day, limitUsd: 0.5, action: block, scope: { project: capped } }'
const WATCHED = '{ name: watched-daily, period: day, limitUsd: 0.5, scope: { project: watched } }'
const budgets = (...lines: string[]) =>
  `timezone: Europe/Berlin\nbudgets:\n${lines.map((l) => `  - ${l}\n`).join('')}`

beforeAll(async () => {
  db = await testDatabase()
  slack = startSlackMock()
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_ok',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 3, output_tokens: 5 },
    }),
  )
  const now = new Date().toISOString()
  await spend(db.sql, [
    { at: now, cost: 0.6, project: 'capped' },
    { at: now, cost: 0.6, project: 'watched' },
  ])
  budgetsFile = join(mkdtempSync(join(tmpdir(), 'tt-block-live-')), 'budgets.yaml')
  writeFileSync(budgetsFile, budgets(CAPPED, WATCHED))
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      DATABASE_URL: db.url,
      BATCH_INTERVAL_MS: '50',
      BUDGET_REFRESH_MS: '100',
      TOKENTAP_BUDGETS: budgetsFile,
      SLACK_WEBHOOK_URL: slack.url(),
    },
  })
  await waitFor('the blocking snapshot', () => proxy.app.blocker?.snapshot().over.length === 1)
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await slack.stop()
  await db.drop()
}, 30_000)

const sonnet = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5 })
const send = (who: string) => sendAs(proxy, who, MESSAGES, sonnet, [API_KEY])
const over = () => proxy.app.blocker?.snapshot().over.map((r) => r.budget.name)

describe('hard budgets over time', () => {
  test('Slack: one alert as a budget starts blocking, naming when it resets', async () => {
    // Budgets are evaluated after a flush (or on the 30 s tick): a refusal's record flushes.
    expect((await send('erin+capped')).status).toBe(400)
    await waitFor('both alerts at 100 %', () => slack.delivered().length >= 2)
    const texts = slack.delivered().map((m) => m.text)
    expect(texts.filter((t) => t.includes('capped-daily'))).toEqual([
      expect.stringMatching(
        /^:no_entry: Budget capped-daily is blocking requests until \w{3} \d{1,2} \w{3} \d{4} 00:00 \(Europe\/Berlin\): \$0\.60 of \$0\.50/,
      ),
    ])
    // The alert-only budget says it reached 100 %, and nothing about blocking.
    expect(texts.filter((t) => t.includes('watched-daily'))).toEqual([
      expect.stringContaining('Budget watched-daily: 100 % reached'),
    ])
  })

  test('a reload applies at once: a budget turned to block refuses the next request', async () => {
    expect((await send('erin+watched')).status).toBe(200)
    writeFileSync(
      budgetsFile,
      budgets(CAPPED, WATCHED.replace('limitUsd: 0.5,', 'limitUsd: 0.5, action: block,')),
    )
    await waitFor('the reloaded snapshot', () => over()?.length === 2)
    const seenBefore = mock.seen.length
    const r = await send('erin+watched')
    expect(r.status).toBe(400)
    expect(r.body).toContain('watched-daily')
    expect(mock.seen.length).toBe(seenBefore)
  })

  test('a reload that raises the limit lets requests through again', async () => {
    expect((await send('erin+capped')).status).toBe(400)
    writeFileSync(budgetsFile, budgets(CAPPED.replace('limitUsd: 0.5', 'limitUsd: 5'), WATCHED))
    await waitFor('the reloaded snapshot', () => over()?.length === 0)
    expect(proxy.app.blocker?.active).toBe(false)
    expect((await send('erin+capped')).status).toBe(200)
  })
})
