import { describe, expect, test } from 'bun:test'
import { hostAllowed, hostPolicy, isLoopbackName, parseHost } from './host.ts'

describe('Host parsing and policy', () => {
  test('parseHost: names, ports, IPv6 literals; malformed is null', () => {
    expect(parseHost('Dash.Example:8443')).toEqual({ name: 'dash.example', port: 8443 })
    expect(parseHost('localhost.')).toEqual({ name: 'localhost', port: null })
    expect(parseHost('[::1]:3000')).toEqual({ name: '[::1]', port: 3000 })
    for (const bad of ['', ':80', 'a b', 'x@y', '[::1', 'a:99999', 'a:b', '*.example', 'a..b']) {
      expect({ bad, host: parseHost(bad) }).toEqual({ bad, host: null })
    }
  })

  test('loopback names only this machine answers to', () => {
    for (const n of ['localhost', 'app.localhost', '127.0.0.1', '127.255.0.9', '[::1]']) {
      expect({ n, loopback: isLoopbackName(n) }).toEqual({ n, loopback: true })
    }
    for (const n of ['localhost.evil', 'evil-localhost', '127.0.0.256', '0.0.0.0', '128.0.0.1']) {
      expect({ n, loopback: isLoopbackName(n) }).toEqual({ n, loopback: false })
    }
  })

  test('policy: enforced without a key or with a list; bind address and list entries allowed', () => {
    expect(hostPolicy({ apiKey: 'k', allowedHosts: null }).enforce).toBe(false)
    expect(hostPolicy({ apiKey: 'k', allowedHosts: [] }).enforce).toBe(true)
    const p = hostPolicy({
      apiKey: null,
      allowedHosts: [{ name: 'dash.example', port: 8443 }],
      bindHost: '::1',
    })
    expect(p.enforce).toBe(true)
    expect(hostAllowed({ name: 'dash.example', port: 8443 }, p)).toBe(true)
    expect(hostAllowed({ name: 'dash.example', port: 443 }, p)).toBe(false)
    expect(hostAllowed({ name: '[::1]', port: 1 }, p)).toBe(true)
    const wildcard = hostPolicy({ apiKey: 'k', allowedHosts: [], bindHost: '0.0.0.0' })
    expect(hostAllowed({ name: '0.0.0.0', port: 3000 }, wildcard)).toBe(false)
    const lan = hostPolicy({ apiKey: 'k', allowedHosts: [], bindHost: '192.168.1.5' })
    expect(hostAllowed({ name: '192.168.1.5', port: 3000 }, lan)).toBe(true)
  })
})
