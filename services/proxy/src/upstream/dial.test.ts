import { describe, expect, test } from 'bun:test'
import { createDestinationGuard } from '../destinations/guard.ts'
import type { Lookup } from '../destinations/lookup.ts'
import { readDestinationPolicy } from '../destinations/policy.ts'
import type { Conn } from '../net/conn.ts'
import { parseResolve } from '../net/resolve.ts'
import { type DialOptions, dialTargets, guardedDialer } from './dial.ts'

/** A dialer that records what it was asked to connect to; `fail` maps host → error code. */
function recorder(fail: Record<string, string> = {}) {
  const dialled: DialOptions[] = []
  const conn = { destroyed: false } as Conn
  const dialOne = async (o: DialOptions): Promise<Conn> => {
    dialled.push(o)
    const code = fail[o.host]
    if (code) throw Object.assign(new Error(`connect ${code} ${o.host}`), { code })
    return conn
  }
  return { dialled, dialOne, conn }
}

const sni = { serverName: 'api.example', rejectUnauthorized: true }

describe('guarded dialer', () => {
  test('DNS rebinding: the dialled address is the one checked', async () => {
    // The attacker's DNS answers a public address first, then loopback to every later query.
    const answers = [['93.184.216.34'], ['127.0.0.1']]
    let lookups = 0
    const lookup: Lookup = async () => answers[Math.min(lookups++, 1)]!
    const guard = createDestinationGuard({
      policy: readDestinationPolicy(true, undefined, undefined),
      resolve: parseResolve(undefined),
      lookup,
      own: () => new Set(),
    })
    const r = recorder()
    const dialer = guardedDialer(guard, r.dialOne)
    const conn = await dialer({ host: 'api.example', port: 443, tls: sni, timeoutMs: 1000 })
    expect(conn).toBe(r.conn)
    expect(lookups).toBe(1)
    // The checked address, not the name (which a second lookup would turn into 127.0.0.1);
    // SNI and certificate verification stay on the name.
    expect(r.dialled).toEqual([{ host: '93.184.216.34', port: 443, tls: sni, timeoutMs: 1000 }])
    // The next connection sees the rebound answer: refused, nothing dialled.
    await expect(
      dialer({ host: 'api.example', port: 443, tls: sni, timeoutMs: 1000 }),
    ).rejects.toThrow('destination refused: api.example resolves to 127.0.0.1')
    expect(r.dialled.length).toBe(1)
  })

  test('plain http:// connections are judged on the http ports (80)', async () => {
    const guard = createDestinationGuard({
      policy: readDestinationPolicy(true, undefined, undefined),
      resolve: parseResolve(undefined),
      lookup: async () => ['93.184.216.34'],
      own: () => new Set(),
    })
    const r = recorder()
    await guardedDialer(guard, r.dialOne)({ host: 'a.example', port: 80, tls: null, timeoutMs: 50 })
    await expect(
      guardedDialer(guard, r.dialOne)({ host: 'a.example', port: 443, tls: null, timeoutMs: 50 }),
    ).rejects.toThrow('port 443 is not open for http://')
    expect(r.dialled.map((d) => `${d.host}:${d.port}`)).toEqual(['93.184.216.34:80'])
  })
})

describe('dialTargets', () => {
  const targets = [
    { host: '2606:2800::1', port: 443, mapped: false },
    { host: '93.184.216.34', port: 443, mapped: false },
  ]

  test('an unreachable address falls through to the next', async () => {
    const r = recorder({ '2606:2800::1': 'ENETUNREACH' })
    expect(await dialTargets(targets, null, 1000, r.dialOne)).toBe(r.conn)
    expect(r.dialled.map((d) => d.host)).toEqual(['2606:2800::1', '93.184.216.34'])
    // every attempt but the last gets at most half the time left
    expect(r.dialled[0]!.timeoutMs).toBeLessThanOrEqual(500)
  })

  test('a TLS or certificate error is final (another address would not fix it)', async () => {
    const r = recorder({ '2606:2800::1': 'ERR_TLS_CERT_ALTNAME_INVALID' })
    await expect(dialTargets(targets, null, 1000, r.dialOne)).rejects.toThrow('ERR_TLS_CERT')
    expect(r.dialled.length).toBe(1)
  })

  test('when every address fails, the last error is reported', async () => {
    const r = recorder({ '2606:2800::1': 'ENETUNREACH', '93.184.216.34': 'ECONNREFUSED' })
    await expect(dialTargets(targets, null, 1000, r.dialOne)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    })
  })
})
