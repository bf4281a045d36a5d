// The snapshot shell with an injected spend reader (no database): what a refresh reads, when
// the blocker turns active, what it logs, and that a failed refresh keeps the last snapshot.

import { describe, expect, test } from 'bun:test'
import type { Budget, BudgetsConfig, BudgetWindow } from '@tokentap/shared/budgets'
import type postgres from 'postgres'
import { createLogger } from '../log.ts'
import type { Attribution } from '../mitm/context.ts'
import { createPricer } from '../pricing/index.ts'
import { wireFormatDialect } from '../providers/registry.ts'
import { createBlocker } from './blocker.ts'

const NOW = Date.parse('2026-01-15T12:00:00Z')
const budget = (name: string, o: Partial<Budget> = {}): Budget => ({
  name,
  period: 'day',
  limitUsd: 10,
  thresholds: [1],
  scope: {},
  counts: 'billed',
  action: 'block',
  ...o,
})
const who: Attribution = {
  user: 'alice',
  project: null,
  session: null,
  agent: null,
  agentType: null,
  program: null,
  billingKind: 'api_key',
  account: null,
}
const messages = { host: 'h', method: 'POST', path: '/v1/messages', requestHeaders: {} }
const anthropic = wireFormatDialect('anthropic', 'anthropic')

function setup(cfg: BudgetsConfig | null) {
  const spend = new Map<string, number | Error>()
  const asked: { name: string; window: BudgetWindow }[] = []
  const logs: string[] = []
  let config = cfg
  const blocker = createBlocker({
    sql: null as unknown as postgres.Sql, // never used: spendOf is injected
    budgets: () => config,
    pricer: createPricer(),
    now: () => NOW,
    refreshMs: 0,
    log: createLogger((l) => logs.push(l)),
    spendOf: async (b, window) => {
      asked.push({ name: b.name, window })
      const v = spend.get(b.name) ?? 0
      if (v instanceof Error) throw v
      return v
    },
  })
  return {
    blocker,
    spend,
    asked,
    logs,
    setConfig: (c: BudgetsConfig | null) => {
      config = c
    },
  }
}

describe('createBlocker', () => {
  test('reads only blocking budgets, in their current window; active once one is at its limit', async () => {
    const s = setup({
      timezone: 'Asia/Tokyo',
      budgets: [budget('team'), budget('alerting', { action: 'alert' })],
    })
    await s.blocker.idle()
    expect(s.asked.map((a) => [a.name, a.window.start.toISOString()])).toEqual([
      ['team', '2026-01-14T15:00:00.000Z'],
    ])
    expect(s.blocker.active).toBe(false)
    expect(s.blocker.gate(anthropic, messages, who)).toBeNull()

    s.spend.set('team', 10)
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.blocker.active).toBe(true)
    expect(s.blocker.snapshot().timezone).toBe('Asia/Tokyo')
    expect(s.blocker.gate(anthropic, messages, who)?.needsBody).toBe(true)
    expect(s.logs.join('')).toContain(
      'budget "team" is at its limit ($10.0000 of $10): blocking new requests in its scope until Fri 16 Jan 2026 00:00 (Asia/Tokyo)',
    )

    s.spend.set('team', 4) // e.g. the limit was raised, or a new window
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.blocker.active).toBe(false)
    expect(s.logs.join('')).toContain('budget "team" no longer blocks')
    await s.blocker.stop()
  })

  test('refreshes are coalesced: one running, at most one more', async () => {
    const s = setup({ timezone: 'UTC', budgets: [budget('team')] })
    for (let i = 0; i < 5; i++) s.blocker.refresh()
    await s.blocker.idle()
    expect(s.asked.length).toBe(2)
    await s.blocker.stop()
  })

  test('a failed refresh keeps the last snapshot and warns once', async () => {
    const s = setup({ timezone: 'UTC', budgets: [budget('team')] })
    s.spend.set('team', 12)
    await s.blocker.idle()
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.blocker.active).toBe(true)
    s.spend.set('team', new Error('connection refused'))
    s.blocker.refresh()
    await s.blocker.idle()
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.blocker.active).toBe(true)
    const warned = s.logs.filter((l) => l.includes('blocking snapshot not refreshed'))
    expect(warned).toHaveLength(1)
    expect(warned[0]).toContain('connection refused')
    await s.blocker.stop()
  })

  test('a reloaded file without blocking budgets empties the snapshot; no file, nothing read', async () => {
    const s = setup({ timezone: 'UTC', budgets: [budget('team')] })
    s.spend.set('team', 12)
    await s.blocker.idle()
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.blocker.active).toBe(true)
    s.setConfig({ timezone: 'UTC', budgets: [budget('team', { action: 'alert' })] })
    const before = s.asked.length
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.blocker.active).toBe(false)
    s.setConfig(null)
    s.blocker.refresh()
    await s.blocker.idle()
    expect(s.asked.length).toBe(before)
    await s.blocker.stop()
    s.blocker.refresh() // after stop: ignored
    await s.blocker.idle()
    expect(s.asked.length).toBe(before)
  })
})
