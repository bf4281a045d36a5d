import { describe, expect, test } from 'bun:test'
import { secretEquals, signSession, verifySession } from './session.ts'

describe('session tokens', () => {
  const secret = 'a-secret-of-some-length'
  test('valid until expiry, then not', () => {
    const t = signSession(secret, 1_000, 60)
    expect(verifySession(secret, t, 1_000)).toBe(true)
    expect(verifySession(secret, t, 60_999)).toBe(true)
    expect(verifySession(secret, t, 61_000)).toBe(false)
  })
  test('tampering, another secret, junk: refused', () => {
    const t = signSession(secret, 1_000, 60)
    expect(verifySession(secret, t.replace('v1.61000', 'v1.99999'), 1_000)).toBe(false)
    expect(verifySession('other-secret-0000000', t, 1_000)).toBe(false)
    for (const junk of [undefined, '', 'x', 'v1.1.2', '.', `${t}x`]) {
      expect(verifySession(secret, junk, 1_000)).toBe(false)
    }
  })
  test('two logins get different tokens', () => {
    expect(signSession(secret, 1, 60)).not.toBe(signSession(secret, 1, 60))
  })
  test('secretEquals', () => {
    expect(secretEquals('abc', 'abc')).toBe(true)
    expect(secretEquals('abc', 'abd')).toBe(false)
    expect(secretEquals('abc', 'abcd')).toBe(false)
  })
})
