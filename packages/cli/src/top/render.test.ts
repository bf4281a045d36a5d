import { describe, expect, test } from 'bun:test'
import { addEvent, asRows, asTotals, EMPTY } from './data.ts'
import { limitBar, limitLines } from './limits.ts'
import { renderTop, type Screen } from './render.ts'
import { BY_MODEL, BY_PROGRAM, event, LIMITS, SUMMARY } from './testing/api-data.ts'

const screen: Screen = {
  width: 120,
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
        events: [
          event('b'),
          event('a', { model: 'gpt-5', program: 'codex', costUsd: null }),
          event('c', { billingKind: 'subscription', costUsd: 0.5 }),
        ],
        limits: LIMITS,
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
    // billed spend apart from the value of subscription traffic
    expect(lines[1]).toContain('billed $0.7345 ')
    expect(lines[1]).toContain('sub value $0.5000 ')
    expect(lines[1]).toContain('requests 12 (1 errors)')
    expect(lines[1]).toContain('tokens in 120k out 4,500 cache read 30k')
    expect(text).toMatch(/^model\s+reqs\s+input\s+output\s+billed\s+sub value$/m)
    expect(text).toMatch(/^claude-sonnet-4-5\s+10\s+150k\s+4,500\s+\$1\.00\s+\$0\.2000$/m)
    expect(text).toMatch(/^gpt-5\s+2\s+0\s+0\s+unpriced\s+-$/m)
    // limits: worst first, bars with reset times in the zone
    expect(text).toContain('limits: 2 accounts · 0 at a limit · 1 near one')
    expect(text).toContain('!  feedc0de anthropic subscription alice')
    expect(text).toContain('     5-hour             ██████████   97%  resets 12:00 (in 2 h 44 min)')
    expect(text).toContain(
      '     7-day              ████░░░░░░   41%  resets 11-26 08:00 (in 2 d 22 h)',
    )
    expect(text).toContain('   aaaa0000 openai API key bob · 3×429')
    expect(text).not.toContain('requests / min')
    expect(text).toMatch(/^\(none\)\s+1\s/m)
    expect(text).toMatch(
      /^09:15:02 claude-cli\s+claude-sonnet-4-5\s+200 in 1,200 out 56\s+\$0\.0123\s+1\.2s$/m,
    )
    expect(text).toMatch(/^09:15:02 codex\s+gpt-5\s+200 .*unpriced/m)
    expect(text).toMatch(/^09:15:02 claude-cli .* sub \$0\.5000\s+1\.2s$/m)
    expect(lines.length).toBeLessThanOrEqual(30)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120)
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
    expect(text).toContain('billed —')
    expect(text).toContain('! HTTP 401')
    expect(text).toContain('polling · updated never')
    expect(text).toContain('(none today)')
  })

  test('limit bars; status shows only what needs attention', () => {
    expect(limitBar(0.8)).toBe('████████░░')
    expect(limitBar(1.7)).toBe('██████████')
    expect(limitBar(null)).toBe('··········')
    const now = new Date('2026-11-23T09:16:00Z')
    const lines = limitLines(LIMITS, { now, timeZone: 'Europe/Berlin', attentionOnly: true })
    expect(lines).toEqual([
      '!  feedc0de anthropic subscription alice',
      '     5-hour             ██████████   97%  resets 13:00 (in 2 h 44 min)',
    ])
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
