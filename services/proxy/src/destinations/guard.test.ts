import { describe, expect, test } from 'bun:test'
import { parseResolve } from '../net/resolve.ts'
import { createDestinationGuard, type Verdict } from './guard.ts'
import type { Lookup } from './lookup.ts'
import { readDestinationPolicy } from './policy.ts'

/** A resolver from a table; counts the lookups. */
function table(answers: Record<string, string[]>) {
  const asked: string[] = []
  const lookup: Lookup = async (host) => {
    asked.push(host)
    const a = answers[host]
    if (!a) throw new Error('getaddrinfo ENOTFOUND')
    return a
  }
  return { lookup, asked }
}

function guard(o: {
  enforce?: boolean
  answers?: Record<string, string[]>
  resolve?: string
  ports?: string
  allow?: string
  own?: string[]
}) {
  const t = table(o.answers ?? {})
  const g = createDestinationGuard({
    policy: readDestinationPolicy(o.enforce ?? true, o.ports, o.allow),
    resolve: parseResolve(o.resolve),
    lookup: t.lookup,
    own: () => new Set(o.own ?? []),
  })
  return { g, asked: t.asked }
}

const refused = (v: Verdict) => {
  if (v.ok) throw new Error('expected a refusal')
  return v
}

describe('destination guard', () => {
  test('team mode refuses CONNECT to 169.254.169.254 with 403, without a lookup', async () => {
    const { g, asked } = guard({})
    const v = refused(await g.check('169.254.169.254', 443, 'connect'))
    expect(v.status).toBe(403)
    expect(v.reason).toBe('link_local')
    expect(v.why).toBe(
      '169.254.169.254 is a link-local address (where cloud metadata services live)',
    )
    expect(v.response).toStartWith('HTTP/1.1 403 Forbidden\r\n')
    expect(v.response).toContain('refused to connect to 169.254.169.254:443')
    expect(v.response).toContain('PROXY_ALLOWED_DESTINATIONS')
    expect(asked).toEqual([])
  })

  test('a name is resolved once and the checked addresses are what the dialer gets', async () => {
    const { g, asked } = guard({ answers: { 'api.example': ['93.184.216.34', '2606:2800::1'] } })
    expect(await g.check('API.example.', 443, 'connect')).toEqual({
      ok: true,
      targets: [
        { host: '93.184.216.34', port: 443, mapped: false },
        { host: '2606:2800::1', port: 443, mapped: false },
      ],
    })
    expect(asked).toEqual(['api.example'])
  })

  test('a name that resolves to loopback is refused, naming the name and the address', async () => {
    const { g } = guard({ answers: { 'dashboard.example': ['127.0.0.1'] } })
    const v = refused(await g.check('dashboard.example', 80, 'http'))
    expect(v.reason).toBe('loopback')
    expect(v.why).toBe('dashboard.example resolves to 127.0.0.1, a loopback address (this machine)')
    expect(v.response).toContain('refused to forward a request to http://dashboard.example:80')
  })

  test('a closed port is refused before any lookup', async () => {
    const { g, asked } = guard({ answers: { 'db.example': ['93.184.216.34'] } })
    const v = refused(await g.check('db.example', 5432, 'connect'))
    expect(v.reason).toBe('port')
    expect(v.why).toBe('port 5432 is not open for CONNECT through this proxy (open: 443)')
    expect(asked).toEqual([])
  })

  test('an unresolvable name is a 502 naming the name', async () => {
    const { g } = guard({})
    const v = refused(await g.check('nowhere.example', 443, 'connect'))
    expect(v.status).toBe(502)
    expect(v.reason).toBe('lookup_failed')
    expect(v.response).toStartWith('HTTP/1.1 502 Bad Gateway\r\n')
    expect(v.why).toContain('cannot resolve nowhere.example')
  })

  test('IPv6 literals are checked as given, bracketed or not', async () => {
    const { g } = guard({})
    expect(refused(await g.check('[::1]', 443, 'connect')).reason).toBe('loopback')
    const v = refused(await g.check('fd00:ec2::254', 443, 'connect'))
    expect(v.reason).toBe('ula')
    expect(v.response).toContain('refused to connect to [fd00:ec2::254]:443')
  })

  test("the proxy's own addresses are refused", async () => {
    const { g } = guard({ answers: { 'proxy.example': ['198.51.99.7'] }, own: ['198.51.99.7'] })
    expect(refused(await g.check('proxy.example', 443, 'connect')).reason).toBe('own_address')
  })

  test("a TOKENTAP_RESOLVE target is the operator's choice: dialled as mapped, no lookup", async () => {
    const { g, asked } = guard({
      resolve: '*:443=127.0.0.1:9443,ollama.corp:11434=127.0.0.1:11434',
    })
    expect(await g.check('api.anthropic.com', 443, 'connect')).toEqual({
      ok: true,
      targets: [{ host: '127.0.0.1', port: 9443, mapped: true }],
    })
    // the operator named the port too: the port rule does not apply to a mapped destination
    expect(await g.check('ollama.corp', 11434, 'http')).toMatchObject({ ok: true })
    // what is not mapped is checked as usual
    expect(refused(await g.check('127.0.0.1', 80, 'http')).reason).toBe('loopback')
    expect(asked).toEqual([])
  })

  test('PROXY_ALLOWED_DESTINATIONS opens an internal provider', async () => {
    const { g } = guard({
      answers: { 'llm.corp.example': ['10.0.0.7'] },
      allow: 'llm.corp.example:8443',
    })
    expect(await g.check('llm.corp.example', 8443, 'connect')).toMatchObject({
      ok: true,
      targets: [{ host: '10.0.0.7', port: 8443 }],
    })
  })

  test('local mode: everything passes, by name, with no lookup', async () => {
    const { g, asked } = guard({ enforce: false })
    expect(g.enforced).toBe(false)
    expect(await g.check('169.254.169.254', 22, 'connect')).toEqual({
      ok: true,
      targets: [{ host: '169.254.169.254', port: 22, mapped: false }],
    })
    expect(asked).toEqual([])
  })
})
