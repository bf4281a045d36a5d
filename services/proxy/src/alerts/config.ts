// Alert settings from the environment: TOKENTAP_BUDGETS (the budgets file), SLACK_WEBHOOK_URL,
// DASHBOARD_URL, SLACK_DAILY_DIGEST (HH:MM in the budgets' zone), ALERT_DEGRADED_AFTER_MIN,
// LIMIT_ALERT_THRESHOLDS (limit alerts, limit-decide.ts).
// Budgets need Postgres (spend and dedupe live there) and a webhook for every budget.

import { ConfigError, type Env, readInt, readString } from '@tokentap/shared'
import {
  BUDGETS_VARIABLE,
  type BudgetsConfig,
  isHttpUrl,
  loadBudgetsFile,
} from '@tokentap/shared/budgets'
import { LIMIT_THRESHOLDS_VARIABLE, parseLimitThresholds } from './limit-decide.ts'

export interface AlertsConfig {
  budgetsFile: string | undefined
  /** The budgets read at start (validated); null without TOKENTAP_BUDGETS. */
  budgets: BudgetsConfig | null
  slackWebhookUrl: string | undefined
  /** Without trailing slash; messages link to `${dashboardUrl}/budgets`. */
  dashboardUrl: string | undefined
  /** SLACK_DAILY_DIGEST: local time of the daily digest; null = no digest. */
  dailyDigest: { hour: number; minute: number } | null
  /** Minutes of degraded recording before a Slack alert; 0 = never. */
  degradedAfterMin: number
  /** LIMIT_ALERT_THRESHOLDS as fractions ([] = no window alerts). The limit alerts (windows,
   *  429s, API-key switches) go to SLACK_WEBHOOK_URL: without it there are none. */
  limitThresholds: number[]
}

function readUrl(env: Env, name: string): string | undefined {
  const url = readString(env, name)
  if (url !== undefined && !isHttpUrl(url)) throw new ConfigError(name, 'expected an http(s) URL')
  return url
}

/** Throws a ConfigError naming the budget when it has no webhook and SLACK_WEBHOOK_URL is unset. */
export function checkWebhooks(cfg: BudgetsConfig, defaultUrl: string | undefined, file: string) {
  if (defaultUrl) return
  const orphan = cfg.budgets.find((b) => !b.webhookUrl)
  if (orphan) {
    throw new ConfigError(
      BUDGETS_VARIABLE,
      `${file}: budget "${orphan.name}" has no webhookUrl and SLACK_WEBHOOK_URL is not set`,
    )
  }
}

export function readAlertsConfig(env: Env, hasDatabase: boolean): AlertsConfig {
  const budgetsFile = readString(env, BUDGETS_VARIABLE)
  const slackWebhookUrl = readUrl(env, 'SLACK_WEBHOOK_URL')
  const dashboardUrl = readUrl(env, 'DASHBOARD_URL')?.replace(/\/+$/, '')
  let budgets: BudgetsConfig | null = null
  if (budgetsFile) {
    if (!hasDatabase) {
      throw new ConfigError(
        BUDGETS_VARIABLE,
        'budgets need DATABASE_URL (spend is read from Postgres and alerts are deduped there)',
      )
    }
    budgets = loadBudgetsFile(budgetsFile)
    checkWebhooks(budgets, slackWebhookUrl, budgetsFile)
  }
  const digest = readString(env, 'SLACK_DAILY_DIGEST')
  let dailyDigest: AlertsConfig['dailyDigest'] = null
  if (digest !== undefined) {
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(digest)
    if (!m)
      throw new ConfigError('SLACK_DAILY_DIGEST', `expected HH:MM (e.g. 09:00), got "${digest}"`)
    if (!slackWebhookUrl) throw new ConfigError('SLACK_DAILY_DIGEST', 'needs SLACK_WEBHOOK_URL')
    if (!hasDatabase) throw new ConfigError('SLACK_DAILY_DIGEST', 'needs DATABASE_URL')
    dailyDigest = { hour: Number(m[1]), minute: Number(m[2]) }
  }
  return {
    budgetsFile,
    budgets,
    slackWebhookUrl,
    dashboardUrl,
    dailyDigest,
    degradedAfterMin: readInt(env, 'ALERT_DEGRADED_AFTER_MIN', 5, { min: 0, max: 7 * 24 * 60 }),
    limitThresholds: parseLimitThresholds(readString(env, LIMIT_THRESHOLDS_VARIABLE)),
  }
}

/** True when anything alert-related is configured (the evaluator is worth starting). */
export function alertsEnabled(c: AlertsConfig): boolean {
  // With a webhook the limit alerts (429 runs, API-key switches) are always on.
  return c.budgets !== null || c.dailyDigest !== null || !!c.slackWebhookUrl
}
