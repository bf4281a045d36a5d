import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeScope, loadBudgetsFile, parseBudgets } from './config.ts'

const JSON_TEXT = JSON.stringify({
  timezone: 'Europe/Berlin',
  budgets: [
    {
      name: 'team-daily',
      period: 'day',
      limitUsd: 50,
      thresholds: [1, 0.5, 0.8],
      scope: { project: 'billing-bot' },
      webhookUrl: 'https://hooks.slack.com/services/T/B/x',
    },
    { name: 'alice-month', period: 'month', limitUsd: 200.5, scope: { user: 'alice' } },
  ],
})

const YAML_TEXT = `
timezone: Europe/Berlin
budgets:
  - name: team-daily
    period: day
    limitUsd: 50
    thresholds: [1, 0.5, 0.8]
    scope:
      project: billing-bot
    webhookUrl: https://hooks.slack.com/services/T/B/x
  - name: alice-month
    period: month
    limitUsd: 200.5
    scope: { user: alice }
`

const errorOf = (text: string, source = 'budgets.json'): string => {
  try {
    parseBudgets(text, source)
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected a ConfigError')
}
const one = (b: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...extra, budgets: [{ name: 'b', period: 'day', limitUsd: 10, ...b }] })

describe('parseBudgets', () => {
  test('JSON and YAML give the same config, with defaults and sorted thresholds', () => {
    const a = parseBudgets(JSON_TEXT, 'budgets.json')
    const b = parseBudgets(YAML_TEXT, 'budgets.yaml')
    expect(b).toEqual(a)
    expect(a.budgets[0]?.thresholds).toEqual([0.5, 0.8, 1])
    expect(a.budgets[1]).toEqual({
      name: 'alice-month',
      period: 'month',
      limitUsd: 200.5,
      thresholds: [0.5, 0.8, 1],
      scope: { user: 'alice' },
      counts: 'billed',
      action: 'alert',
    })
    // Format by content when the name says nothing.
    expect(parseBudgets(YAML_TEXT, '/etc/budgets')).toEqual(a)
    expect(parseBudgets(JSON_TEXT, '/etc/budgets')).toEqual(a)
  })

  test('defaults: UTC, whole team, 50/80/100 %; empty file = no budgets', () => {
    const c = parseBudgets(one({}), 'x.json')
    expect(c.timezone).toBe('UTC')
    expect(c.budgets[0]?.scope).toEqual({})
    expect(c.budgets[0]?.thresholds).toEqual([0.5, 0.8, 1])
    expect(c.budgets[0]?.counts).toBe('billed')
    expect(parseBudgets(one({ counts: 'all' }), 'x.json').budgets[0]?.counts).toBe('all')
    expect(c.budgets[0]?.action).toBe('alert')
    expect(parseBudgets(one({ action: 'block' }), 'x.json').budgets[0]?.action).toBe('block')
    const yaml = 'budgets:\n  - {name: b, period: day, limitUsd: 5, action: block}\n'
    expect(parseBudgets(yaml, 'x.yaml').budgets[0]?.action).toBe('block')
    expect(parseBudgets('', 'x.yaml')).toEqual({ timezone: 'UTC', budgets: [] })
  })

  test('a blocking budget always alerts at 1, when it starts refusing requests', () => {
    const at = (o: Record<string, unknown>) => parseBudgets(one(o), 'x.json').budgets[0]?.thresholds
    expect(at({ action: 'block', thresholds: [0.9, 0.5] })).toEqual([0.5, 0.9, 1])
    expect(at({ action: 'block', thresholds: [1.2] })).toEqual([1, 1.2])
    expect(at({ action: 'block', thresholds: [0.5, 1] })).toEqual([0.5, 1])
    expect(at({ action: 'alert', thresholds: [0.9] })).toEqual([0.9])
  })

  test('errors name the variable, the file, the budget and the field', () => {
    const cases: [string, string][] = [
      [one({ limitUsd: 0 }), 'budgets[0] ("b").limitUsd: must be a number > 0'],
      [one({ limitUsd: '5' }), 'budgets[0] ("b").limitUsd'],
      [one({ period: 'year' }), 'budgets[0] ("b").period: must be one of day, week, month'],
      [one({ thresholds: [0.5, 50] }), '("b").thresholds[1]: 50 must be a fraction of the limit'],
      [one({ thresholds: [0] }), 'thresholds[0]: 0 must be'],
      [one({ thresholds: [0.5, 0.5] }), 'thresholds[1]: 0.5 is a duplicate threshold'],
      [one({ thresholds: [] }), '.thresholds: must be a non-empty array'],
      [one({ scope: { team: 'x' } }), '.scope.team: unknown key'],
      [one({ scope: { user: '' } }), '.scope.user: must be a non-empty string'],
      [one({ scope: { project: 7 } }), '.scope.project: must be a non-empty string'],
      [one({ webhookUrl: 'ftp://x' }), '.webhookUrl: must be an http(s) URL'],
      [one({ colour: 'red' }), '.colour: unknown key'],
      [one({ counts: 'subscription' }), '("b").counts: must be "billed"'],
      [one({ counts: true }), '("b").counts: must be "billed"'],
      [one({ action: 'deny' }), '("b").action: must be "alert"'],
      [one({ action: 'Block' }), '("b").action: must be "alert"'],
      [one({ action: null }), '("b").action: must be "alert" (Slack alerts only) or "block"'],
      [one({ name: '' }), 'budgets[0].name: must be a non-empty string'],
      [one({ name: '__digest__' }), 'reserved'],
      [one({}, { timezone: 'Mars/Olympus' }), 'timezone: "Mars/Olympus" is not an IANA time zone'],
      [one({}, { tz: 'UTC' }), 'tz: unknown key'],
      ['[1, 2]', 'must be an object'],
      ['{"budgets": {}}', 'budgets: must be an array'],
      ['{"budgets": [', 'not valid JSON'],
    ]
    for (const [text, expected] of cases) {
      const msg = errorOf(text)
      expect(msg).toStartWith('TOKENTAP_BUDGETS: budgets.json: ')
      expect(msg).toContain(expected)
    }
    const dup = JSON.stringify({
      budgets: [
        { name: 'x', period: 'day', limitUsd: 1 },
        { name: 'x', period: 'week', limitUsd: 1 },
      ],
    })
    expect(errorOf(dup)).toContain('budgets[1] ("x").name: duplicate budget name "x"')
    expect(errorOf('budgets: [ {name: a', 'b.yaml')).toContain('b.yaml: not valid YAML')
  })

  test('loadBudgetsFile reads the file; a missing file is a ConfigError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-budgets-'))
    writeFileSync(join(dir, 'b.yml'), YAML_TEXT)
    expect(loadBudgetsFile(join(dir, 'b.yml'))).toEqual(parseBudgets(JSON_TEXT, 'b.json'))
    expect(() => loadBudgetsFile(join(dir, 'nope.json'))).toThrow(/TOKENTAP_BUDGETS: cannot read/)
  })

  test('describeScope', () => {
    expect(describeScope({})).toBe('whole team')
    expect(describeScope({ project: 'p', user: 'u' })).toBe('user=u, project=p')
  })
})
