// `tokentap ca` and `tokentap ca renew` in-process (finding 4 of issue 13): what the CA may
// certify, the unconstrained warning, hosts left out, and the renew → activate switch.

import { afterAll, describe, expect, test } from 'bun:test'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateCa } from '@tokentap/proxy/ca'
import { testContext } from '../cli/testing/context.ts'
import { main } from '../main.ts'

const root = mkdtempSync(join(tmpdir(), 'tt-ca-cmd-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const freshHome = (): string => join(root, `home-${n++}`)
const fingerprint = (file: string): string => new X509Certificate(readFileSync(file)).fingerprint256
const mode = (file: string): number => statSync(file).mode & 0o777

async function run(env: Record<string, string>, ...argv: string[]) {
  const ctx = testContext(env)
  const code = await main(argv, ctx)
  return { code, out: ctx.output(), err: ctx.stderr.join('') }
}

describe('finding 4: tokentap ca shows what the CA may certify and until when', () => {
  test('a new CA: constrained to the intercepted domains, no IPs, path length 0, valid 2 years', async () => {
    const env = { TOKENTAP_HOME: freshHome() }
    const r = await run(env, 'ca')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^Valid until {5}\d{4}-\d\d-\d\d \(\d+ days left\)$/m)
    const days = Number(/\((\d+) days left\)/.exec(r.out)?.[1])
    expect(days).toBeGreaterThan(700)
    expect(days).toBeLessThan(760)
    expect(r.out).toMatch(
      /^Constrained {5}yes \(path length 0\): DNS amazonaws\.com, .*api\.openai\.com.*; no IP addresses$/m,
    )
    expect(r.out).not.toContain('Not covered')
  })

  test('an unconstrained CA (made before) still works, and says so with the fix', async () => {
    const legacy = await loadOrCreateCa({ home: freshHome(), permit: null })
    const env = {
      TOKENTAP_HOME: freshHome(),
      CA_CERT_FILE: legacy.certPath!,
      CA_KEY_FILE: legacy.keyPath!,
    }
    const r = await run(env, 'ca')
    expect(r.code).toBe(0)
    expect(r.out).toContain(`CA certificate  ${legacy.certPath}`)
    expect(r.out).toMatch(/^Constrained {5}no: .*impersonate any site.*`tokentap ca renew`/m)
  })

  test('a host added to the intercept list later is named as not covered', async () => {
    const home = freshHome()
    await run({ TOKENTAP_HOME: home }, 'ca')
    const env = { TOKENTAP_HOME: home, TOKENTAP_INTERCEPT_HOSTS: 'llm.internal.example' }
    const r = await run(env, 'ca')
    expect(r.out).toMatch(
      /^Not covered {5}llm\.internal\.example \(TOKENTAP_INTERCEPT_HOSTS\): clients will refuse its certificates; `tokentap ca renew`$/m,
    )
  })
})

describe('finding 4: tokentap ca renew keeps the old CA until you switch', () => {
  test('renew → ca-next beside the CA in use; --activate switches, keeping ca-old', async () => {
    const home = freshHome()
    const dir = join(home, 'ca')
    await run({ TOKENTAP_HOME: home }, 'ca')
    const before = fingerprint(join(dir, 'ca.pem'))
    const env = { TOKENTAP_HOME: home, TOKENTAP_INTERCEPT_HOSTS: 'llm.internal.example' }

    const renewed = await run(env, 'ca', 'renew')
    expect(renewed.code).toBe(0)
    expect(renewed.out).toContain('Created a new CA')
    expect(renewed.out).toContain(`certificate  ${join(dir, 'ca-next.pem')}`)
    expect(renewed.out).toMatch(/permits {6}DNS .*llm\.internal\.example/)
    expect(renewed.out).toContain(`The proxy still uses ${join(dir, 'ca.pem')}`)
    expect(renewed.out).toContain('`tokentap ca renew --activate`')
    expect(mode(join(dir, 'ca-next-key.pem'))).toBe(0o600)
    expect(fingerprint(join(dir, 'ca.pem'))).toBe(before)
    const next = fingerprint(join(dir, 'ca-next.pem'))

    const shown = await run(env, 'ca')
    expect(shown.out).toContain(`Waiting         ${join(dir, 'ca-next.pem')}`)
    expect(shown.out).toContain('Not covered     llm.internal.example')
    const again = await run(env, 'ca', 'renew')
    expect(again.out).toContain('already waiting')
    expect(fingerprint(join(dir, 'ca-next.pem'))).toBe(next)

    const switched = await run(env, 'ca', 'renew', '--activate')
    expect(switched.code).toBe(0)
    expect(switched.out).toContain('Restart the proxy')
    expect(fingerprint(join(dir, 'ca.pem'))).toBe(next)
    expect(fingerprint(join(dir, 'ca-old.pem'))).toBe(before)
    expect(existsSync(join(dir, 'ca-next.pem'))).toBe(false)
    expect(existsSync(join(dir, 'ca-next-key.pem'))).toBe(false)
    expect(mode(join(dir, 'ca-key.pem'))).toBe(0o600)
    expect(mode(join(dir, 'ca-old-key.pem'))).toBe(0o600)
    const loaded = await loadOrCreateCa({ home })
    expect(loaded.fingerprintSha256).toBe(next)
    expect((await run(env, 'ca')).out).not.toContain('Not covered')

    const nothing = await run(env, 'ca', 'renew', '--activate')
    expect(nothing.code).toBe(1)
    expect(nothing.err).toContain('run `tokentap ca renew` first')
  })

  test('a waiting CA that misses a host added since is refused until --force replaces it', async () => {
    const home = freshHome()
    const none = await run({ TOKENTAP_HOME: home }, 'ca', 'renew')
    expect(none.code).toBe(1)
    expect(none.err).toContain('no CA in use yet')
    await run({ TOKENTAP_HOME: home }, 'ca')
    await run({ TOKENTAP_HOME: home }, 'ca', 'renew')
    const first = fingerprint(join(home, 'ca', 'ca-next.pem'))
    const env = { TOKENTAP_HOME: home, TOKENTAP_INTERCEPT_HOSTS: '*.llm.example.org' }
    const stale = await run(env, 'ca', 'renew')
    expect(stale.code).toBe(1)
    expect(stale.err).toContain('does not cover *.llm.example.org (TOKENTAP_INTERCEPT_HOSTS)')
    expect(stale.err).toContain('tokentap ca renew --force')
    const forced = await run(env, 'ca', 'renew', '--force')
    expect(forced.code).toBe(0)
    expect(fingerprint(join(home, 'ca', 'ca-next.pem'))).not.toBe(first)
    expect(forced.out).toMatch(/permits {6}DNS .*llm\.example\.org/)
  })

  test('an interrupted --activate (key moved, certificate not) is finished by running it again', async () => {
    const home = freshHome()
    const dir = join(home, 'ca')
    await run({ TOKENTAP_HOME: home }, 'ca')
    await run({ TOKENTAP_HOME: home }, 'ca', 'renew')
    const next = fingerprint(join(dir, 'ca-next.pem'))
    // What a crash right after the key's rename leaves behind.
    renameSync(join(dir, 'ca-key.pem'), join(dir, 'ca-old-key.pem'))
    renameSync(join(dir, 'ca-next-key.pem'), join(dir, 'ca-key.pem'))
    await expect(loadOrCreateCa({ home })).rejects.toThrow(/does not match/)
    const r = await run({ TOKENTAP_HOME: home }, 'ca', 'renew', '--activate')
    expect(r.code).toBe(0)
    expect((await loadOrCreateCa({ home })).fingerprintSha256).toBe(next)
  })

  test('with CA_CERT_FILE/CA_KEY_FILE the next pair goes beside them; switching is by variable', async () => {
    const own = await loadOrCreateCa({ home: freshHome() })
    const env = {
      TOKENTAP_HOME: freshHome(),
      CA_CERT_FILE: own.certPath!,
      CA_KEY_FILE: own.keyPath!,
    }
    const dir = join(own.certPath!, '..')
    const r = await run(env, 'ca', 'renew')
    expect(r.code).toBe(0)
    expect(existsSync(join(dir, 'ca-next.pem'))).toBe(true)
    expect(r.out).toContain(`set CA_CERT_FILE=${join(dir, 'ca-next.pem')} and CA_KEY_FILE=`)
    const activate = await run(env, 'ca', 'renew', '--activate')
    expect(activate.code).toBe(1)
    expect(activate.err).toContain('CA_CERT_FILE and CA_KEY_FILE choose the CA')
    expect(fingerprint(own.certPath!)).toBe(own.fingerprintSha256)
  })
})
