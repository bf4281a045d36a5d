import { describe, expect, test } from 'bun:test'
import { absoluteTarget, originForm } from './targets.ts'

describe('absoluteTarget', () => {
  test('host, default port 80, path with query, the authority for Host', () => {
    expect(absoluteTarget('http://example.test/a?b=1')).toEqual({
      ok: true,
      host: 'example.test',
      port: 80,
      path: '/a?b=1',
      authority: 'example.test',
    })
  })

  test('an IPv6 literal is dialled without brackets; its authority keeps them', () => {
    const t = absoluteTarget('http://[::1]:8081/x')
    expect(t).toEqual({ ok: true, host: '::1', port: 8081, path: '/x', authority: '[::1]:8081' })
  })

  test('https and unparsable targets are refused with a reason', () => {
    expect(absoluteTarget('https://example.test/')).toEqual({
      ok: false,
      message: 'only http:// requests are forwarded; use CONNECT for https',
    })
    expect(absoluteTarget('http//nope')).toEqual({
      ok: false,
      message: 'bad request target "http//nope"',
    })
  })
})

describe('originForm', () => {
  test('path and query of an absolute URL; null when unparsable', () => {
    expect(originForm('http://example.test:8080/a/b?c=1#f')).toBe('/a/b?c=1')
    expect(originForm('not a url')).toBeNull()
  })
})
