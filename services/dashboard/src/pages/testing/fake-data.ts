// A DataAccess over fixed in-memory values for page tests (pure view/handler correctness).
// Records every call so tests can check which filters reached the query layer.

import { emptyBilling, GENAI_PRICES_VERSION, unitColumns } from '@tokentap/shared'
import type { AccountLimits } from '@tokentap/shared/accounts'
import type {
  BreakdownRow,
  BudgetStatus,
  Dimension,
  EventDetail,
  EventRow,
  Filters,
  PricesResponse,
  SessionDetail,
  SessionRow,
  TimeseriesPoint,
  Totals,
} from '@tokentap/shared/api'
import { zeroTotals } from '@tokentap/testing'
import type { DataAccess } from '../../data/types.ts'

export { zeroTotals }

export function eventRow(o: Partial<EventRow> = {}): EventRow {
  return {
    id: '0197a000-0000-7000-8000-000000000001',
    startedAt: '2026-01-15T10:00:00.000Z',
    durationMs: 1234,
    ttfbMs: 200,
    provider: 'anthropic',
    host: 'api.anthropic.com',
    method: 'POST',
    path: '/v1/messages',
    endpoint: 'messages',
    model: 'claude-sonnet-4-5',
    stream: true,
    transport: 'http',
    status: 200,
    outcome: 'ok',
    usageSource: 'provider',
    billable: true,
    user: 'alice',
    project: 'billing-bot',
    program: 'claude-cli',
    session: null,
    agent: null,
    agentType: null,
    inputTokens: 30,
    outputTokens: 70,
    cacheReadTokens: 500,
    cacheWrite5mTokens: 150,
    cacheWrite1hTokens: 50,
    reasoningTokens: null,
    credits: null,
    costUsd: 0.0021525,
    priceSource: 'genai-prices',
    ...emptyBilling(),
    ...unitColumns(null),
    unpricedUnits: null,
    ...o,
  }
}

export function sessionRow(o: Partial<SessionRow> = {}): SessionRow {
  return {
    ...zeroTotals(),
    session: '7f713c82-2434-4741-a166-4f587a5a8096',
    firstAt: '2026-01-15T09:00:00.000Z',
    lastAt: '2026-01-15T11:30:00.000Z',
    programs: ['claude-code'],
    users: ['alice'],
    projects: ['billing-bot'],
    requests: 42,
    billableRequests: 40,
    inputTokens: 1_000,
    outputTokens: 2_000,
    cacheReadTokens: 30_000,
    costUsd: 1.25,
    billedCostUsd: 1.25,
    ...o,
  }
}

export interface FakeData extends DataAccess {
  calls: { method: string; f?: Filters; arg?: unknown }[]
}

export interface FakeValues {
  totals?: Totals
  breakdown?: Partial<Record<Dimension, BreakdownRow[]>>
  series?: TimeseriesPoint[]
  events?: EventRow[]
  nextCursor?: string | null
  newer?: EventRow[]
  detail?: EventDetail | null
  options?: Partial<Record<Dimension, string[]>>
  budgets?: BudgetStatus[]
  sessions?: SessionRow[]
  session?: SessionDetail | null
  limits?: AccountLimits[]
  prices?: PricesResponse
}

export function fakeData(v: FakeValues = {}): FakeData {
  const calls: FakeData['calls'] = []
  return {
    calls,
    async summary(f) {
      calls.push({ method: 'summary', f })
      return v.totals ?? zeroTotals()
    },
    async breakdown(f, by) {
      calls.push({ method: 'breakdown', f, arg: by })
      return v.breakdown?.[by] ?? []
    },
    async timeseries(f, bucket) {
      calls.push({ method: 'timeseries', f, arg: bucket })
      return v.series ?? []
    },
    async events(f, page) {
      calls.push({ method: 'events', f, arg: page })
      return { events: v.events ?? [], nextCursor: v.nextCursor ?? null }
    },
    async eventsAfter(f, afterId) {
      calls.push({ method: 'eventsAfter', f, arg: afterId })
      return v.newer ?? []
    },
    async event(id) {
      calls.push({ method: 'event', arg: id })
      return v.detail ?? null
    },
    async filterOptions(f) {
      calls.push({ method: 'filterOptions', f })
      return {
        model: [],
        provider: [],
        user: [],
        project: [],
        program: [],
        ...v.options,
      }
    },
    async budgets(now) {
      calls.push({ method: 'budgets', arg: now })
      return v.budgets ?? []
    },
    async sessions(f, opts) {
      calls.push({ method: 'sessions', f, arg: opts })
      return v.sessions ?? []
    },
    async session(id) {
      calls.push({ method: 'session', arg: id })
      return v.session ?? null
    },
    async limits(now) {
      calls.push({ method: 'limits', arg: now })
      return v.limits ?? []
    },
    async prices() {
      calls.push({ method: 'prices' })
      return v.prices ?? { genaiPrices: GENAI_PRICES_VERSION, overrides: null, lastPriced: null }
    },
  }
}
