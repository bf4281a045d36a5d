import { describe, expect, test } from 'bun:test'
import { assertBindAllowed, isLoopbackHost } from './team.ts'

describe('isLoopbackHost', () => {
  test.each([
    '127.0.0.1',
    '127.1.2.3',
    'localhost',
    'LOCALHOST',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
  ])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true))
  test.each([
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '192.168.1.2',
    'proxy.internal',
    '128.0.0.1',
    '127.0.0.1.nip.io',
  ])('%s is not', (h) => expect(isLoopbackHost(h)).toBe(false))
})

describe('assertBindAllowed', () => {
  test('loopback always; elsewhere only with PROXY_USERS or ALLOW_OPEN_PROXY', () => {
    expect(() => assertBindAllowed('127.0.0.1', undefined, false)).not.toThrow()
    expect(() => assertBindAllowed('0.0.0.0', '/etc/tokentap/users.json', false)).not.toThrow()
    expect(() => assertBindAllowed('0.0.0.0', undefined, true)).not.toThrow()
    expect(() => assertBindAllowed('0.0.0.0', undefined, false)).toThrow(
      /PROXY_HOST: "0\.0\.0\.0" is not a loopback address: set PROXY_USERS .* or ALLOW_OPEN_PROXY=1/,
    )
  })
})
