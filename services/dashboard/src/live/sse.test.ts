import { describe, expect, test } from 'bun:test'
import { parseFilters } from '../data/filters.ts'
import type { EventRow } from '../data/types.ts'
import { parsePayload } from './listener.ts'
import { matches, usageEvent } from './sse.ts'

const now = new Date('2026-01-17T15:20:00Z')
const row = {
  id: '0190c3a0-0000-7000-8000-000000000001',
  startedAt: '2026-01-17T15:00:00.000Z',
  provider: 'openai',
  model: 'gpt-5',
  user: null,
  project: 'search',
  program: 'codex',
  outcome: 'ok',
  stream: true,
} as EventRow

describe('live filters', () => {
  test('same semantics as the event log', () => {
    const m = (q: Record<string, string>) => matches(row, parseFilters(q, { now }))
    expect(m({})).toBe(true)
    expect(m({ provider: 'openai', project: 'search', user: '(none)' })).toBe(true)
    expect(m({ user: 'alice' })).toBe(false)
    expect(m({ outcome: 'failed' })).toBe(false)
    expect(m({ stream: 'false' })).toBe(false)
    expect(m({ from: '2026-01-17T15:00:01Z', to: '2026-01-18' })).toBe(false)
  })
  test('one SSE event per row', () => {
    expect(usageEvent(row)).toBe(`id: ${row.id}\nevent: usage\ndata: ${JSON.stringify(row)}\n\n`)
  })
  test('NOTIFY payloads', () => {
    expect(parsePayload('{"count":2,"firstId":"a","lastId":"b"}')).toEqual({
      count: 2,
      firstId: 'a',
      lastId: 'b',
    })
    expect(parsePayload('nope')).toBeNull()
    expect(parsePayload('{"count":1}')).toBeNull()
  })
})
