import { describe, expect, test } from 'bun:test'
import type { RequestHead } from '../http1/head.ts'
import { createUserCheck, hashProxyToken } from '../identity/users.ts'
import { createLogger } from '../log.ts'
import { createMetrics } from '../metrics/metrics.ts'
import { createAdmit, PROXY_AUTH_REQUIRED } from './proxy-auth.ts'

const TOKEN = 'tt_4d1e0c2f9b8a7e6d5c4b3a29181f0e0d'
const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`
const connect = (auth?: string): RequestHead => ({
  method: 'CONNECT',
  target: 'api.anthropic.com:443',
  version: 'HTTP/1.1',
  headers: auth ? [['Proxy-Authorization', auth]] : [],
})

function setup(team: boolean) {
  const lines: string[] = []
  const metrics = createMetrics()
  const check = createUserCheck([{ name: 'alice', tokenSha256: hashProxyToken(TOKEN) }])
  const admit = createAdmit(
    () => (team ? check : null),
    createLogger((l) => lines.push(l)),
    metrics,
  )
  return { admit, lines, metrics }
}

describe('createAdmit', () => {
  test('local mode: any USER, project split off, no log', () => {
    const { admit, lines } = setup(false)
    expect(admit(connect(basic('bob+proj:whatever')), '127.0.0.1')).toEqual({
      ok: true,
      identity: { user: 'bob', project: 'proj', token: 'whatever' },
      credential: null,
    })
    expect(admit(connect(), '127.0.0.1')).toMatchObject({ ok: true, identity: { user: null } })
    expect(lines).toEqual([])
  })

  test('team mode: the right token passes (USER+PROJECT checks USER); the token is dropped', () => {
    const { admit } = setup(true)
    expect(admit(connect(basic(`alice+billing:${TOKEN}`)), '10.0.0.7')).toEqual({
      ok: true,
      identity: { user: 'alice', project: 'billing', token: null },
      credential: hashProxyToken(TOKEN),
    })
  })

  test.each([
    [undefined, 'no credentials', 'missing'],
    [basic('alice:nope'), 'user "alice" wrong token', 'wrong_token'],
    [basic(`mallory:${TOKEN}`), 'user "mallory" unknown user', 'unknown_user'],
    ['Bearer x', 'no credentials', 'missing'],
  ])('team mode: %s → 407, logged without the token, counted', (auth, logged, reason) => {
    const { admit, lines, metrics } = setup(true)
    const r = admit(connect(auth), '10.0.0.7')
    expect(r).toEqual({ ok: false, response: PROXY_AUTH_REQUIRED })
    expect(lines.length).toBe(1)
    expect(lines[0]).toContain(`407 CONNECT "api.anthropic.com:443" from 10.0.0.7:`)
    expect(lines[0]).toContain(logged)
    expect(lines[0]).not.toContain('nope')
    expect(lines[0]).not.toContain(TOKEN)
    expect(metrics.render()).toContain(`tokentap_proxy_auth_failures_total{reason="${reason}"} 1`)
  })

  test('absolute-form: only the host is logged, never the path or query', () => {
    const { admit, lines } = setup(true)
    const head: RequestHead = {
      method: 'POST',
      target: 'http://api.example.com/v1/x?key=SECRETKEY',
      version: 'HTTP/1.1',
      headers: [],
    }
    expect(admit(head, '10.0.0.7').ok).toBe(false)
    expect(lines[0]).toContain('407 POST "api.example.com" from 10.0.0.7')
    expect(lines[0]).not.toContain('SECRETKEY')
  })

  test('the 407 names the Basic realm and closes', () => {
    expect(PROXY_AUTH_REQUIRED).toStartWith('HTTP/1.1 407 Proxy Authentication Required\r\n')
    expect(PROXY_AUTH_REQUIRED).toContain('\r\nproxy-authenticate: Basic realm="tokentap"\r\n')
    expect(PROXY_AUTH_REQUIRED).toContain('\r\nconnection: close\r\n')
  })
})
