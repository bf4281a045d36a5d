// The TOKENTAP_BUDGETS file (JSON or YAML, same keys): parsing and a strict validator whose
// errors name the variable, the file and the offending budget/field. Pure apart from
// loadBudgetsFile reading the file.

import { readFileSync } from 'node:fs'
import { ConfigError } from '../config/env.ts'
import { isValidZone } from '../time/zone.ts'
import {
  BUDGET_ACTIONS,
  BUDGET_COUNTS,
  BUDGET_SCOPE_KEYS,
  type Budget,
  type BudgetAction,
  type BudgetCounts,
  type BudgetPeriod,
  type BudgetScopeKey,
  type BudgetsConfig,
} from './types.ts'

export const BUDGETS_VARIABLE = 'TOKENTAP_BUDGETS'
export const DEFAULT_THRESHOLDS: readonly number[] = [0.5, 0.8, 1]
export const DEFAULT_TIMEZONE = 'UTC'
/** Budget names starting with this are reserved for internal rows (the daily digest). */
export const RESERVED_PREFIX = '__'
const PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month']
const TOP_KEYS = ['timezone', 'budgets']
const BUDGET_KEYS = [
  'name',
  'period',
  'limitUsd',
  'thresholds',
  'scope',
  'counts',
  'action',
  'webhookUrl',
]

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** An http(s) URL, or null. */
export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}

function decode(text: string, source: string, fail: (m: string) => never): unknown {
  const yaml = /\.ya?ml$/i.test(source) || (!/\.json$/i.test(source) && !/^\s*[{[]/.test(text))
  try {
    return yaml ? Bun.YAML.parse(text) : JSON.parse(text)
  } catch (e) {
    return fail(`not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message}`)
  }
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: (k: string) => string) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(
        BUDGETS_VARIABLE,
        `${where(k)}: unknown key (allowed: ${allowed.join(', ')})`,
      )
    }
  }
}

/** Parses and validates a budgets file's text; `source` (the path) names it in errors and picks
 *  the format by extension (.json / .yaml / .yml; otherwise JSON when it starts with { or [). */
export function parseBudgets(text: string, source: string): BudgetsConfig {
  const fail = (message: string): never => {
    throw new ConfigError(BUDGETS_VARIABLE, `${source}: ${message}`)
  }
  const root = text.trim() === '' ? {} : decode(text, source, fail)
  if (!isObject(root)) return fail('must be an object with "budgets" (and optional "timezone")')
  checkKeys(root, TOP_KEYS, (k) => `${source}: ${k}`)
  let timezone = DEFAULT_TIMEZONE
  if (root.timezone !== undefined) {
    if (typeof root.timezone !== 'string' || !isValidZone(root.timezone)) {
      fail(
        `timezone: ${JSON.stringify(root.timezone)} is not an IANA time zone (e.g. Europe/Berlin)`,
      )
    }
    timezone = root.timezone as string
  }
  const list = root.budgets ?? []
  if (!Array.isArray(list)) return fail('budgets: must be an array')
  const names = new Set<string>()
  const budgets = list.map((item: unknown, i): Budget => {
    const at = (field: string): string => {
      const name =
        isObject(item) && typeof item.name === 'string' && item.name !== ''
          ? ` ("${item.name}")`
          : ''
      return `budgets[${i}]${name}${field ? `.${field}` : ''}`
    }
    const bad = (field: string, message: string): never => fail(`${at(field)}: ${message}`)
    if (!isObject(item)) return bad('', 'must be an object')
    checkKeys(item, BUDGET_KEYS, (k) => `${source}: ${at(k)}`)
    const { name, period, limitUsd } = item
    if (typeof name !== 'string' || name.trim() === '')
      return bad('name', 'must be a non-empty string')
    if (name.startsWith(RESERVED_PREFIX))
      bad('name', `must not start with "${RESERVED_PREFIX}" (reserved)`)
    if (name.length > 200) bad('name', 'must be at most 200 characters')
    if (names.has(name)) bad('name', `duplicate budget name "${name}"`)
    names.add(name)
    if (typeof period !== 'string' || !PERIODS.includes(period as BudgetPeriod)) {
      bad('period', `must be one of ${PERIODS.join(', ')}`)
    }
    if (typeof limitUsd !== 'number' || !Number.isFinite(limitUsd) || limitUsd <= 0) {
      bad('limitUsd', 'must be a number > 0 (US dollars)')
    }
    const action = actionOf(item.action, bad)
    const thresholds = thresholdsOf(item.thresholds, bad)
    // A blocking budget always alerts at 1: the moment it starts refusing requests.
    if (action === 'block' && !thresholds.includes(1)) {
      thresholds.push(1)
      thresholds.sort((a, b) => a - b)
    }
    const budget: Budget = {
      name,
      period: period as BudgetPeriod,
      limitUsd: limitUsd as number,
      thresholds,
      scope: scopeOf(item.scope, bad),
      counts: countsOf(item.counts, bad),
      action,
    }
    if (item.webhookUrl !== undefined) {
      if (typeof item.webhookUrl !== 'string' || !isHttpUrl(item.webhookUrl)) {
        bad('webhookUrl', 'must be an http(s) URL')
      }
      budget.webhookUrl = item.webhookUrl as string
    }
    return budget
  })
  return { timezone, budgets }
}

function countsOf(value: unknown, bad: (field: string, m: string) => never): BudgetCounts {
  if (value === undefined) return 'billed'
  if (typeof value !== 'string' || !BUDGET_COUNTS.includes(value as BudgetCounts)) {
    return bad(
      'counts',
      `must be "billed" (requests billed to API keys and accounts) or "all" (subscription traffic too, at its API-equivalent value)`,
    )
  }
  return value as BudgetCounts
}

function actionOf(value: unknown, bad: (field: string, m: string) => never): BudgetAction {
  if (value === undefined) return 'alert'
  if (typeof value !== 'string' || !BUDGET_ACTIONS.includes(value as BudgetAction)) {
    return bad(
      'action',
      `must be "alert" (Slack alerts only) or "block" (also refuse new billable requests in its scope once the limit is reached)`,
    )
  }
  return value as BudgetAction
}

function thresholdsOf(value: unknown, bad: (field: string, m: string) => never): number[] {
  if (value === undefined) return [...DEFAULT_THRESHOLDS]
  if (!Array.isArray(value) || value.length === 0) {
    return bad('thresholds', 'must be a non-empty array of fractions of the limit (e.g. [0.5, 1])')
  }
  const out: number[] = []
  for (const [j, t] of value.entries()) {
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > 10) {
      bad(
        `thresholds[${j}]`,
        `${JSON.stringify(t)} must be a fraction of the limit in (0, 10] (0.5 = 50 %)`,
      )
    }
    if (out.includes(t as number)) bad(`thresholds[${j}]`, `${t} is a duplicate threshold`)
    out.push(t as number)
  }
  return out.sort((a, b) => a - b)
}

function scopeOf(
  value: unknown,
  bad: (field: string, m: string) => never,
): Partial<Record<BudgetScopeKey, string>> {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) {
    return bad('scope', `must be an object with any of ${BUDGET_SCOPE_KEYS.join(', ')}`)
  }
  const scope: Partial<Record<BudgetScopeKey, string>> = {}
  for (const [k, v] of Object.entries(value)) {
    if (!BUDGET_SCOPE_KEYS.includes(k as BudgetScopeKey)) {
      bad(`scope.${k}`, `unknown key (allowed: ${BUDGET_SCOPE_KEYS.join(', ')})`)
    }
    if (typeof v !== 'string' || v === '') bad(`scope.${k}`, 'must be a non-empty string')
    scope[k as BudgetScopeKey] = v as string
  }
  return scope
}

/** Reads and validates a budgets file (ConfigError naming TOKENTAP_BUDGETS and the path). */
export function loadBudgetsFile(path: string): BudgetsConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(BUDGETS_VARIABLE, `cannot read ${path}: ${(e as Error).message}`)
  }
  return parseBudgets(text, path)
}

/** Human form of a scope: `project=billing-bot, user=alice`, or `whole team`. */
export function describeScope(scope: Budget['scope']): string {
  const parts = BUDGET_SCOPE_KEYS.filter((k) => scope[k] !== undefined).map(
    (k) => `${k}=${scope[k]}`,
  )
  return parts.length > 0 ? parts.join(', ') : 'whole team'
}
