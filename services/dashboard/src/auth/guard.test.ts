import { describe, expect, test } from 'bun:test'
import { safeNext } from './guard.ts'

const ORIGIN = 'https://dash.example'
/** Where a browser goes with `Location: <next>` from a page on ORIGIN (WHATWG URL parsing:
 *  tabs and newlines dropped, `\` read as `/` in http(s) URLs). */
const lands = (next: string): string => new URL(next, ORIGIN).origin

/** Open-redirect payloads: each one would leave ORIGIN (or smuggle a header) if passed on. */
const OPEN_REDIRECTS = [
  '/\t/evil.example/x', // issue 13: `?next=/%09/evil.example/…` arrives decoded as a tab
  '/%09/evil.example/x',
  '/\n/evil.example',
  '/\r/evil.example',
  '/%0a/evil.example',
  '/%0D%0A/evil.example',
  '/\x00/evil.example',
  '/%00/evil.example',
  '/\x7f/evil.example',
  '/\t\t/evil.example',
  '\t//evil.example',
  ' //evil.example',
  '//evil.example',
  '///evil.example',
  '////evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '\\/evil.example',
  '\\\\evil.example',
  '/%5cevil.example',
  '/%5C%5Cevil.example',
  '/%2f/evil.example',
  '/%2F%2Fevil.example',
  '/ /evil.example',
  'https://evil.example',
  'http:evil.example',
  'https:/evil.example',
  '//evil.example@dash.example',
  '/\u3002evil.example',
  '/\uff0fevil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  '.evil.example',
  '',
  undefined,
  `/${'a'.repeat(2001)}`,
]

describe('safeNext', () => {
  test('same-origin paths pass unchanged', () => {
    for (const ok of [
      '/',
      '/events?range=30d',
      '/events?user=alice&model=gpt-5&tz=Europe%2FBerlin',
      '/events/0190c3a0-0000-7000-8000-000000000001',
      '/budgets#top',
      '/./events',
    ]) {
      expect(safeNext(ok)).toBe(ok)
      expect(lands(ok)).toBe(ORIGIN)
    }
  })

  test('known open-redirect payloads (issue 13 §5: /%09/evil.example) fall back to /', () => {
    // The payload really leaves the site when passed on as is.
    expect(lands('/\t/evil.example/x')).toBe('https://evil.example')
    for (const bad of OPEN_REDIRECTS)
      expect({ bad, next: safeNext(bad) }).toEqual({ bad, next: '/' })
  })

  test('property: whatever comes in, a browser following the result stays on the origin', () => {
    const pieces = ['/', '\\', '\t', '\n', '\r', ' ', '%09', '%5c', '%2f', '.', ':', '@', '?', '#']
    const more = ['evil.example', 'http:', 'javascript:', '\x00', '\u3002', 'a', '%', '%0', '//']
    const alphabet = [...pieces, ...more]
    let seed = 13
    const rand = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % n
    }
    for (let i = 0; i < 20_000; i++) {
      // Half start like a path: the interesting cases are paths a browser reads as a host.
      let s = rand(2) === 0 ? '/' : ''
      const len = 1 + rand(6)
      for (let k = 0; k < len; k++) s += alphabet[rand(alphabet.length)]
      const next = safeNext(s)
      expect(lands(next)).toBe(ORIGIN)
      // …and the result is exactly the input or the fallback, never a rewrite.
      expect(next === s || next === '/').toBe(true)
      // Nothing a later hop could decode into a control character or a backslash.
      expect(/^[\x21-\x5b\x5d-\x7e]*$/.test(next)).toBe(true)
      expect(/%[01][0-9a-f]|%7f|%5c/i.test(next)).toBe(false)
    }
  })
})
