import { describe, expect, test } from 'bun:test'
import { addEvent, asRows, asTotals, EMPTY } from './data.ts'
import { renderTop, type Screen } from './render.ts'
import { BY_MODEL, BY_PROGRAM, event, SUMMARY } from './testing/api-data.ts'

const screen: Screen = {
  width: 100,
  height: 30,
  source: 'http://127.0.0.1:3000',
  range: 'today',
  timeZone: 'UTC',
}

describe('top renderer', () => {
  test('header, both breakdowns and the last requests from fixed data', () => {
    const lines = renderTop(
      {
        summary: SUMMARY,
        byModel: BY_MODEL,
        byProgram: BY_PROGRAM,
        events: [event('b'), event('a', { model: 'gpt-5', program: 'codex', costUsd: null })],
        error: null,
        live: true,
        updatedAt: new Date('2026-11-23T09:16:00Z'),
      },
      screen,
    )
    const text = lines.join('\n')
    expect(lines[0]).toBe(
      'tokentap top · today · http://127.0.0.1:3000 · live · updated 09:16:00 · q quits',
    )
    expect(lines[1]).toContain('spend $1.23 ')
    expect(lines[1]).toContain('requests 12 (1 errors)')
    expect(lines[1]).toContain('tokens in 120k out 4,500 cache read 30k')
    expect(text).toMatch(/^model\s+reqs\s+input\s+output\s+cost$/m)
    expect(text).toMatch(/^claude-sonnet-4-5\s+10\s+150k\s+4,500\s+\$1\.20$/m)
    expect(text).toMatch(/^gpt-5\s+2\s+0\s+0\s+unpriced$/m)
    expect(text).toMatch(/^\(none\)\s+1\s/m)
    expect(text).toMatch(
      /^09:15:02 claude-cli\s+claude-sonnet-4-5\s+200 in 1,200 out 56\s+\$0\.0123\s+1\.2s$/m,
    )
    expect(text).toMatch(/^09:15:02 codex\s+gpt-5\s+200 .*unpriced/m)
    expect(lines.length).toBeLessThanOrEqual(30)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100)
  })

  test('a small or narrow terminal gets a truncated screen, never more', () => {
    const data = { ...EMPTY, summary: SUMMARY, byModel: BY_MODEL, events: [event('a')] }
    const lines = renderTop(data, { ...screen, width: 30, height: 6 })
    expect(lines.length).toBeLessThanOrEqual(6)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30)
    expect(lines[0]?.endsWith('…')).toBe(true)
  })

  test('errors and empty data are shown as such', () => {
    const text = renderTop({ ...EMPTY, error: 'HTTP 401' }, screen).join('\n')
    expect(text).toContain('spend —')
    expect(text).toContain('! HTTP 401')
    expect(text).toContain('polling · updated never')
    expect(text).toContain('(none today)')
  })

  test('API shapes: bare or wrapped; live rows join once, newest first', () => {
    expect(asTotals(SUMMARY)).toEqual(SUMMARY)
    expect(asTotals({ totals: SUMMARY })).toEqual(SUMMARY)
    expect(asTotals({ nope: 1 })).toBeNull()
    expect(asRows([1], ['rows'])).toEqual([1])
    expect(asRows({ events: [2], nextCursor: null }, ['events'])).toEqual([2])
    const list = addEvent(addEvent([event('a')], event('b')), event('a'))
    expect(list.map((e) => e.id)).toEqual(['a', 'b'])
  })
})
