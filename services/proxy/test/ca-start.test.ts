// Finding 4 of issue 13, at the proxy's start: what it says about its CA (constrained or not,
// hosts the constraints leave out, again on a providers reload), and a CA key other users can
// read stops it.

import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ProxyApp, startProxyApp } from '../src/app.ts'
import { loadOrCreateCa } from '../src/ca/ca-store.ts'
import { loadProxyConfig } from '../src/config.ts'
import { createLogger } from '../src/log.ts'

const root = mkdtempSync(join(tmpdir(), 'tt-ca-start-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0

async function start(
  env: Record<string, string>,
  body: (logs: string[], app: ProxyApp) => Promise<void> = async () => {},
): Promise<string[]> {
  const logs: string[] = []
  const config = loadProxyConfig({ PROXY_HOST: '127.0.0.1', PROXY_PORT: '0', ...env })
  const app = await startProxyApp(config, { log: createLogger((l) => logs.push(l)) })
  try {
    await body(logs, app)
  } finally {
    await app.stop()
  }
  return logs
}

const home = (): string => join(root, `home-${n++}`)

describe('finding 4: the start log says what the CA may certify', () => {
  test('a new CA is name-constrained to the intercept list, which it covers', async () => {
    const logs = await start({
      TOKENTAP_HOME: home(),
      TOKENTAP_INTERCEPT_HOSTS: 'llm.internal.example',
    })
    expect(logs.join('')).toMatch(
      /info CA .*ca\.pem: name-constrained to DNS .*llm\.internal\.example.*; no IP addresses; valid until \d{4}-/,
    )
    expect(logs.join('')).not.toContain(' warn ')
  })

  test('an existing unconstrained CA keeps working, with a warning naming tokentap ca renew', async () => {
    const h = home()
    const legacy = await loadOrCreateCa({ home: h, permit: null })
    const logs = await start({ TOKENTAP_HOME: h }, async (_l, app) => {
      expect(app.caCertPem).toBe(legacy.certPem)
    })
    expect(logs.join('')).toContain(
      `warn CA ${legacy.certPath} has no name constraints: whoever obtains its key can impersonate any site`,
    )
    expect(logs.join('')).toContain(
      '`tokentap ca renew` issues a CA limited to the intercepted domains',
    )
  })

  test('a host added to TOKENTAP_INTERCEPT_HOSTS after the CA was made is named at start', async () => {
    const h = home()
    await start({ TOKENTAP_HOME: h })
    const logs = await start({ TOKENTAP_HOME: h, TOKENTAP_INTERCEPT_HOSTS: 'llm.internal.example' })
    expect(logs.join('')).toMatch(
      /warn intercepted host llm\.internal\.example \(TOKENTAP_INTERCEPT_HOSTS\) is outside the name constraints of the CA .*clients will refuse the certificates tokentap makes for it\. `tokentap ca renew`/,
    )
  })

  test('… and a host a reloaded TOKENTAP_PROVIDERS file adds, on reload', async () => {
    const file = join(root, `providers-${n++}.json`)
    const providers = (hosts: string[]) =>
      JSON.stringify({ providers: [{ name: 'acme', hosts, dialect: 'openai-chat' }] })
    writeFileSync(file, providers(['llm.acme.example']))
    await start({ TOKENTAP_HOME: home(), TOKENTAP_PROVIDERS: file }, async (logs) => {
      expect(logs.join('')).not.toContain(' warn ')
      writeFileSync(file, providers(['llm.acme.example', 'gw.other.example']))
      for (let i = 0; i < 200 && !logs.some((l) => l.includes('gw.other.example')); i++) {
        await Bun.sleep(25)
      }
      expect(logs.join('')).toMatch(
        /warn intercepted host gw\.other\.example \(TOKENTAP_PROVIDERS\) is outside the name constraints/,
      )
      expect(logs.join('')).not.toContain('llm.acme.example (TOKENTAP_PROVIDERS)')
    })
  })

  test('a CA key readable by group or others stops the proxy, naming the file and chmod 600', async () => {
    const h = home()
    const ca = await loadOrCreateCa({ home: h })
    chmodSync(ca.keyPath!, 0o640)
    await expect(start({ TOKENTAP_HOME: h })).rejects.toThrow(
      `TOKENTAP_HOME: ${ca.keyPath} is readable or writable by group or others (mode 640)`,
    )
    const certFile = join(root, 'supplied.pem')
    const keyFile = join(root, 'supplied-key.pem')
    writeFileSync(certFile, ca.certPem)
    writeFileSync(keyFile, ca.keyPem, { mode: 0o644 })
    chmodSync(keyFile, 0o644)
    await expect(
      start({ TOKENTAP_HOME: home(), CA_CERT_FILE: certFile, CA_KEY_FILE: keyFile }),
    ).rejects.toThrow(
      `CA_KEY_FILE: ${keyFile} is readable or writable by group or others (mode 644)`,
    )
  })
})
