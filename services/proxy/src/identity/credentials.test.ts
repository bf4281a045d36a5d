import { describe, expect, test } from 'bun:test'
import { parseProxyAuthorization } from './credentials.ts'

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`

describe('parseProxyAuthorization', () => {
  test('user and token', () => {
    expect(parseProxyAuthorization(basic('alice:t0k'))).toEqual({
      user: 'alice',
      project: null,
      token: 't0k',
    })
  })
  test('user+project (percent-encoded by clients too)', () => {
    expect(parseProxyAuthorization(basic('alice+billing-bot:x'))).toMatchObject({
      user: 'alice',
      project: 'billing-bot',
    })
    expect(parseProxyAuthorization(basic('alice%2Bbot:x'))).toMatchObject({ project: 'bot' })
  })
  test('absent or not Basic → anonymous', () => {
    expect(parseProxyAuthorization(undefined).user).toBeNull()
    expect(parseProxyAuthorization('Bearer abc').user).toBeNull()
  })
})
