import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { alertsEnabled, readAlertsConfig } from './config.ts'

const dir = mkdtempSync(join(tmpdir(), 'tt-alerts-config-'))
const file = join(dir, 'budgets.yaml')
writeFileSync(file, 'budgets:\n  - name: team\n    period: day\n    limitUsd: 5\n')
const hooked = join(dir, 'hooked.json')
writeFileSync(
  hooked,
  JSON.stringify({
    budgets: [{ name: 'h', period: 'week', limitUsd: 1, webhookUrl: 'https://hooks.example/x' }],
  }),
)
const slack = 'https://hooks.slack.com/services/T/B/x'

const err = (env: Record<string, string>, db = true): string => {
  try {
    readAlertsConfig(env, db)
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('readAlertsConfig', () => {
  test('defaults: nothing configured', () => {
    const c = readAlertsConfig({}, false)
    expect(c).toEqual({
      budgetsFile: undefined,
      budgets: null,
      slackWebhookUrl: undefined,
      dashboardUrl: undefined,
      dailyDigest: null,
      degradedAfterMin: 5,
      limitThresholds: [0.8, 0.95],
    })
    expect(alertsEnabled(c)).toBe(false)
    // a webhook alone turns the limit alerts on (429 runs, API-key switches, windows)
    expect(alertsEnabled(readAlertsConfig({ SLACK_WEBHOOK_URL: slack }, true))).toBe(true)
    expect(
      readAlertsConfig({ LIMIT_ALERT_THRESHOLDS: '90', SLACK_WEBHOOK_URL: slack }, true)
        .limitThresholds,
    ).toEqual([0.9])
  })

  test('budgets with a default webhook, digest, dashboard URL', () => {
    const c = readAlertsConfig(
      {
        TOKENTAP_BUDGETS: file,
        SLACK_WEBHOOK_URL: slack,
        DASHBOARD_URL: 'http://dash:3000/',
        SLACK_DAILY_DIGEST: '9:05',
        ALERT_DEGRADED_AFTER_MIN: '0',
      },
      true,
    )
    expect(c.budgets?.budgets.map((b) => b.name)).toEqual(['team'])
    expect(c.dashboardUrl).toBe('http://dash:3000')
    expect(c.dailyDigest).toEqual({ hour: 9, minute: 5 })
    expect(c.degradedAfterMin).toBe(0)
    expect(alertsEnabled(c)).toBe(true)
    // A per-budget webhook is enough without SLACK_WEBHOOK_URL.
    expect(readAlertsConfig({ TOKENTAP_BUDGETS: hooked }, true).budgets?.budgets).toHaveLength(1)
  })

  test('clear errors', () => {
    expect(err({ TOKENTAP_BUDGETS: file, SLACK_WEBHOOK_URL: slack }, false)).toContain(
      'TOKENTAP_BUDGETS: budgets need DATABASE_URL',
    )
    expect(err({ TOKENTAP_BUDGETS: file })).toBe(
      `TOKENTAP_BUDGETS: ${file}: budget "team" has no webhookUrl and SLACK_WEBHOOK_URL is not set`,
    )
    expect(err({ SLACK_WEBHOOK_URL: 'nope' })).toBe('SLACK_WEBHOOK_URL: expected an http(s) URL')
    expect(err({ DASHBOARD_URL: 'ftp://x' })).toBe('DASHBOARD_URL: expected an http(s) URL')
    expect(err({ SLACK_DAILY_DIGEST: '25:00', SLACK_WEBHOOK_URL: slack })).toContain(
      'SLACK_DAILY_DIGEST: expected HH:MM',
    )
    expect(err({ SLACK_DAILY_DIGEST: '09:00' })).toBe('SLACK_DAILY_DIGEST: needs SLACK_WEBHOOK_URL')
    expect(err({ ALERT_DEGRADED_AFTER_MIN: '-1' })).toContain('ALERT_DEGRADED_AFTER_MIN')
    expect(err({ LIMIT_ALERT_THRESHOLDS: '80,150' })).toContain('LIMIT_ALERT_THRESHOLDS: "150"')
    expect(
      err({ TOKENTAP_BUDGETS: join(dir, 'missing.json'), SLACK_WEBHOOK_URL: slack }),
    ).toContain('TOKENTAP_BUDGETS: cannot read')
  })
})
