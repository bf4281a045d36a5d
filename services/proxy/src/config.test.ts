import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadProxyConfig } from './config.ts'
import { defaultWorkerCount } from './workers/count.ts'

const home = mkdtempSync(join(tmpdir(), 'tt-config-'))
const usersPath = join(home, 'users.json')
writeFileSync(usersPath, '{"users":[]}')
const load = (env: Record<string, string>) => loadProxyConfig({ TOKENTAP_HOME: home, ...env })

describe('destination policy and limits from the environment', () => {
  test('team mode enforces the destination policy; local mode on loopback does not', () => {
    expect(load({ PROXY_USERS: usersPath }).destinations.enforce).toBe(true)
    expect(load({}).destinations.enforce).toBe(false)
    expect(load({ PROXY_HOST: '::1' }).destinations.enforce).toBe(false)
  })

  test('an open proxy on a non-loopback address enforces it too', () => {
    const c = load({ PROXY_HOST: '0.0.0.0', ALLOW_OPEN_PROXY: '1' })
    expect(c.destinations.enforce).toBe(true)
  })

  test('defaults: 10 min tunnel idle timeout, 4096 connections, 256 per user', () => {
    const c = load({})
    expect(c.tunnelIdleTimeoutMs).toBe(600_000)
    expect(c.maxConnections).toBe(4096)
    expect(c.maxConnectionsPerUser).toBe(256)
    expect(c.destinations.extraPorts).toEqual([])
    expect(c.destinations.allow).toEqual([])
  })

  test('PROXY_WORKERS: the default count (workers/count.ts) unless set', () => {
    expect(load({}).workers).toBe(defaultWorkerCount(availableParallelism()))
    expect(load({ PROXY_WORKERS: '1' }).workers).toBe(1)
  })

  test.each([
    ['PROXY_ALLOWED_PORTS', '443,abc'],
    ['PROXY_ALLOWED_DESTINATIONS', '10.0.0.1/8'],
    ['PROXY_MAX_CONNECTIONS', '0'],
    ['PROXY_MAX_CONNECTIONS_PER_USER', 'lots'],
    ['PROXY_TUNNEL_IDLE_TIMEOUT_MS', '-1'],
    ['PROXY_WORKERS', '0'],
    ['PROXY_WORKERS', 'auto'],
  ])('a bad %s fails the start, naming it (in local mode too)', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(`${name}: `)
  })
})

describe('TOKENTAP_RETENTION_DAYS', () => {
  test('unset keeps every event; a number of days at least 32 is taken', () => {
    expect(load({}).retentionDays).toBeNull()
    expect(load({ TOKENTAP_RETENTION_DAYS: '' }).retentionDays).toBeNull()
    expect(load({ TOKENTAP_RETENTION_DAYS: '32' }).retentionDays).toBe(32)
    expect(load({ TOKENTAP_RETENTION_DAYS: '400' }).retentionDays).toBe(400)
  })

  test.each(['31', '0', '-5', '90d', 'forever'])('"%s" fails the start, naming it', (value) => {
    expect(() => load({ TOKENTAP_RETENTION_DAYS: value })).toThrow('TOKENTAP_RETENTION_DAYS: ')
  })
})
