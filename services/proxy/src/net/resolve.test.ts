import { describe, expect, test } from 'bun:test'
import { parseResolve } from './resolve.ts'

describe('TOKENTAP_RESOLVE', () => {
  test('exact entries win over the catch-all; others pass through', () => {
    const r = parseResolve('api.anthropic.com:443=127.0.0.1:18443, *:443=127.0.0.1:9443')
    expect(r('API.anthropic.com', 443)).toEqual({ host: '127.0.0.1', port: 18443, mapped: true })
    expect(r('example.com', 443)).toEqual({ host: '127.0.0.1', port: 9443, mapped: true })
    expect(r('example.com', 80)).toEqual({ host: 'example.com', port: 80, mapped: false })
  })
  test('IPv6 literals in brackets', () => {
    const r = parseResolve('[::1]:443=[::1]:8443')
    expect(r('::1', 443)).toEqual({ host: '::1', port: 8443, mapped: true })
  })
  test('bad entries fail with the variable named', () => {
    expect(() => parseResolve('api.anthropic.com=127.0.0.1')).toThrow('TOKENTAP_RESOLVE: bad entry')
    expect(() => parseResolve('a:443=b:0')).toThrow('TOKENTAP_RESOLVE: bad port')
  })
  test('empty means identity', () => {
    expect(parseResolve(undefined)('x', 1)).toEqual({ host: 'x', port: 1, mapped: false })
  })
})
