import { describe, expect, test } from 'bun:test'
import type { Budget, BudgetsConfig } from '@tokentap/shared/budgets'
import {
  type BudgetReading,
  blockingBudget,
  blockingBudgets,
  candidates,
  type RequestFacts,
  snapshotOf,
} from './decide.ts'

const WINDOW = { start: new Date('2026-01-15T00:00:00Z'), end: new Date('2026-01-16T00:00:00Z') }
const NOW = Date.parse('2026-01-15T12:00:00Z')

const budget = (o: Partial<Budget> = {}): Budget => ({
  name: 'b',
  period: 'day',
  limitUsd: 10,
  thresholds: [1],
  scope: {},
  counts: 'billed',
  action: 'block',
  ...o,
})
const reading = (o: Partial<Budget> = {}, spentUsd = 10): BudgetReading => ({
  budget: budget(o),
  window: WINDOW,
  spentUsd,
})
const facts = (o: Partial<RequestFacts> = {}): RequestFacts => ({
  provider: 'anthropic',
  user: 'alice',
  project: 'bot',
  program: 'claude-code',
  billingKind: 'api_key',
  ...o,
})
const names = (rs: BudgetReading[]) => rs.map((r) => r.budget.name)
const never = () => false

describe('snapshotOf', () => {
  test('only blocking budgets at or over their limit', () => {
    const { action: _absent, ...noAction } = budget({ name: 'no-action' })
    const s = snapshotOf('Europe/Berlin', [
      reading({ name: 'at' }, 10),
      reading({ name: 'over' }, 12.5),
      reading({ name: 'under' }, 9.99999999),
      reading({ name: 'alerting', action: 'alert' }, 50),
      { ...reading({ name: 'no-action' }, 50), budget: noAction },
    ])
    expect(s.timezone).toBe('Europe/Berlin')
    expect(names([...s.over])).toEqual(['at', 'over']) // absent action = alert
  })

  test('blockingBudgets: block budgets in file order; none without a file', () => {
    const cfg: BudgetsConfig = {
      timezone: 'UTC',
      budgets: [
        budget({ name: 'x' }),
        budget({ name: 'y', action: 'alert' }),
        budget({ name: 'z' }),
      ],
    }
    expect(blockingBudgets(cfg).map((b) => b.name)).toEqual(['x', 'z'])
    expect(blockingBudgets(null)).toEqual([])
  })
})

describe('candidates', () => {
  const s = (...rs: BudgetReading[]) => snapshotOf('UTC', rs)

  test('a whole-team budget takes every request while its window is current', () => {
    const snap = s(reading({ name: 'team' }))
    expect(names(candidates(snap, facts(), NOW))).toEqual(['team'])
    expect(names(candidates(snap, facts({ user: null, project: null }), NOW))).toEqual(['team'])
    // The window ended: the next one starts from nothing until the next refresh.
    expect(candidates(snap, facts(), WINDOW.end.getTime())).toEqual([])
    expect(candidates(snap, facts(), WINDOW.start.getTime() - 1)).toEqual([])
    expect(names(candidates(snap, facts(), WINDOW.start.getTime()))).toEqual(['team'])
  })

  test('every scope key must match; a request without the field never matches a set key', () => {
    const snap = s(
      reading({ name: 'alice', scope: { user: 'alice' } }),
      reading({ name: 'bot', scope: { project: 'bot' } }),
      reading({ name: 'openai', scope: { provider: 'openai' } }),
      reading({ name: 'codex', scope: { program: 'codex' } }),
      reading({ name: 'alice+bot', scope: { user: 'alice', project: 'bot' } }),
      reading({ name: 'bob+bot', scope: { user: 'bob', project: 'bot' } }),
    )
    expect(names(candidates(snap, facts(), NOW))).toEqual(['alice', 'bot', 'alice+bot'])
    expect(names(candidates(snap, facts({ provider: 'openai', program: 'codex' }), NOW))).toEqual([
      'alice',
      'bot',
      'openai',
      'codex',
      'alice+bot',
    ])
    expect(names(candidates(snap, facts({ user: null, project: null }), NOW))).toEqual([])
    expect(names(candidates(snap, facts({ user: 'bob' }), NOW))).toEqual(['bot', 'bob+bot'])
  })

  test('a model scope is left to blockingBudget (the model may still be unknown)', () => {
    const snap = s(reading({ name: 'opus', scope: { model: 'claude-opus-4-1' } }))
    expect(names(candidates(snap, facts(), NOW))).toEqual(['opus'])
  })

  test('subscription traffic: only budgets that count it (counts all)', () => {
    const snap = s(reading({ name: 'billed' }), reading({ name: 'all', counts: 'all' }))
    expect(names(candidates(snap, facts({ billingKind: 'subscription' }), NOW))).toEqual(['all'])
    expect(names(candidates(snap, facts({ billingKind: 'api_key' }), NOW))).toEqual([
      'billed',
      'all',
    ])
    // Unknown credentials count as billed.
    expect(names(candidates(snap, facts({ billingKind: 'unknown' }), NOW))).toEqual([
      'billed',
      'all',
    ])
  })

  test('nothing over the limit: nothing to ask', () => {
    expect(candidates(s(reading({}, 3)), facts(), NOW)).toEqual([])
  })
})

describe('blockingBudget', () => {
  const team = reading({ name: 'team' })
  const opus = reading({ name: 'opus', scope: { model: 'claude-opus-4-1' } })

  test('the first budget whose model scope takes the model', () => {
    expect(blockingBudget([opus, team], 'claude-opus-4-1', never)?.budget.name).toBe('opus')
    expect(blockingBudget([opus, team], 'claude-sonnet-4-5', never)?.budget.name).toBe('team')
    expect(blockingBudget([opus], 'claude-sonnet-4-5', never)).toBeNull()
    expect(blockingBudget([], 'claude-sonnet-4-5', never)).toBeNull()
  })

  test('an unknown model is judged priced, but matches no model-scoped budget', () => {
    expect(blockingBudget([opus], null, never)).toBeNull()
    expect(blockingBudget([opus, team], null, never)?.budget.name).toBe('team')
  })

  test('a model priced at zero is never blocked; free is asked only when a budget matches', () => {
    const asked: string[] = []
    const freeFlash = (m: string) => {
      asked.push(m)
      return m === 'gemini-flash-free'
    }
    expect(blockingBudget([team], 'gemini-flash-free', freeFlash)).toBeNull()
    expect(blockingBudget([team], 'gemini-2.5-pro', freeFlash)?.budget.name).toBe('team')
    expect(blockingBudget([opus], 'gemini-2.5-pro', freeFlash)).toBeNull()
    expect(asked).toEqual(['gemini-flash-free', 'gemini-2.5-pro'])
  })
})
