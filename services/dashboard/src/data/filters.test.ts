import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { FilterError, filtersToQuery, parseFilters, readFilters } from './filters.ts'

const now = new Date('2026-01-17T15:20:00Z')
const parse = (q: Record<string, string>, cookieTz?: string) => parseFilters(q, { now, cookieTz })

describe('parseFilters', () => {
  test('defaults: 7 calendar days ending at tomorrow, UTC', () => {
    const f = parse({})
    expect(f.range).toBe('7d')
    expect(f.timezone).toBe('UTC')
    expect(f.from.toISOString()).toBe('2026-01-11T00:00:00.000Z')
    expect(f.to.toISOString()).toBe('2026-01-18T00:00:00.000Z')
  })
  test('today in the viewer zone: query tz beats the cookie', () => {
    const f = parse({ range: 'today', tz: 'Asia/Tokyo' }, 'Europe/Berlin')
    expect(f.from.toISOString()).toBe('2026-01-17T15:00:00.000Z')
    expect(f.to.toISOString()).toBe('2026-01-18T15:00:00.000Z')
    expect(parse({ range: 'today' }, 'Europe/Berlin').timezone).toBe('Europe/Berlin')
    // A broken cookie falls back to UTC; a broken ?tz= is an error.
    expect(parse({}, 'Nowhere/Land').timezone).toBe('UTC')
    expect(() => parse({ tz: 'Nowhere/Land' })).toThrow(FilterError)
  })
  test('custom: ISO instants, local date-times, date-only end of day', () => {
    const a = parse({ from: '2026-01-10T10:00:00+02:00', to: '2026-01-11T00:00:00Z' })
    expect(a.range).toBe('custom')
    expect(a.from.toISOString()).toBe('2026-01-10T08:00:00.000Z')
    const b = parse({
      range: 'custom',
      from: '2026-01-10T10:00',
      to: '2026-01-12',
      tz: 'Europe/Berlin',
    })
    expect(b.from.toISOString()).toBe('2026-01-10T09:00:00.000Z')
    expect(b.to.toISOString()).toBe('2026-01-12T23:00:00.000Z')
  })
  test('custom: a local time skipped by DST is the moment of the jump (as budget windows)', () => {
    // New York jumps from 02:00 EST to 03:00 EDT (07:00 UTC) on 8 Mar 2026.
    const f = parse({ from: '2026-03-08T02:30', to: '2026-03-08T03:15', tz: 'America/New_York' })
    expect(f.from.toISOString()).toBe('2026-03-08T07:00:00.000Z')
    expect(f.to.toISOString()).toBe('2026-03-08T07:15:00.000Z')
  })
  test('clear errors', () => {
    expect(() => parse({ range: 'forever' })).toThrow(/range: expected one of/)
    expect(() => parse({ range: 'custom', from: '2026-01-10' })).toThrow(/needs both/)
    expect(() => parse({ from: 'yesterday', to: '2026-01-10' })).toThrow(/from: expected/)
    expect(() => parse({ from: '2026-01-10', to: '2026-01-09' })).toThrow(/before/)
    expect(() => parse({ outcome: 'great' })).toThrow(/outcome/)
    expect(() => parse({ stream: 'maybe' })).toThrow(/stream/)
    expect(() => parse({ from: '2020-01-01', to: '2026-01-01' })).toThrow(/at most/)
    expect(() => parse({ session: 's'.repeat(201) })).toThrow(/session: too long/)
  })
  test('dimensions; (none) means empty', () => {
    const f = parse({
      user: 'alice',
      project: '(none)',
      model: '',
      outcome: 'failed',
      stream: 'false',
    })
    expect(f.user).toBe('alice')
    expect(f.project).toBe('')
    expect(f.model).toBeUndefined()
    expect(f.outcome).toBe('failed')
    expect(f.stream).toBe(false)
  })
  test('session: any text, trimmed; empty is none', () => {
    expect(parse({ session: ' run 42/a?b ' }).session).toBe('run 42/a?b')
    expect(parse({ session: '' }).session).toBeUndefined()
  })
})

describe('filtersToQuery', () => {
  test('only non-default keys', () => {
    expect(filtersToQuery(parse({})).toString()).toBe('')
    expect(filtersToQuery(parse({ range: '30d', tz: 'Asia/Tokyo', user: 'a b' })).toString()).toBe(
      'range=30d&tz=Asia%2FTokyo&user=a+b',
    )
  })
  test('round-trips', () => {
    for (const q of [
      { range: 'today', project: '(none)', outcome: 'aborted', stream: 'true' },
      { from: '2026-01-10T10:00', to: '2026-01-12T11:30:15', tz: 'America/New_York' },
      { from: '2026-01-10T10:00:00.123Z', to: '2026-01-12T00:00:00Z', program: 'codex' },
      { range: '30d', session: '7f713c82-2434-4741-a166-4f587a5a8096' },
    ]) {
      const f = parse(q)
      expect(parse(Object.fromEntries(filtersToQuery(f)))).toEqual(f)
    }
  })
})

describe('readFilters', () => {
  const app = new Hono()
  app.get('/', (c) => {
    try {
      const f = readFilters(c, now)
      return c.text(`${f.timezone} ${f.from.toISOString()}`)
    } catch (e) {
      return c.text(e instanceof FilterError ? `bad: ${e.message}` : 'other', 400)
    }
  })
  const read = async (path: string, cookie?: string) =>
    (await app.request(path, cookie ? { headers: { cookie } } : {})).text()

  test('the query string, and the tz cookie when the query names no zone', async () => {
    expect(await read('/?range=today', 'tz=Asia%2FTokyo')).toBe(
      'Asia/Tokyo 2026-01-17T15:00:00.000Z',
    )
    expect(await read('/?range=today&tz=UTC', 'tz=Asia%2FTokyo')).toBe(
      'UTC 2026-01-17T00:00:00.000Z',
    )
    expect(await read('/?range=today', 'tz=Nowhere%2FLand')).toBe('UTC 2026-01-17T00:00:00.000Z')
  })
  test('a bad filter throws FilterError for the caller to answer', async () => {
    expect(await read('/?range=forever')).toStartWith('bad: range: expected one of')
  })
})
