import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testContext } from '../cli/testing/context.ts'
import { ensureCa } from '../commands/ca.ts'
import { main } from '../main.ts'
import { detectOs, installPlan, shellLine, uninstallPlan } from './plan.ts'

const home = mkdtempSync(join(tmpdir(), 'tt-cert-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))
const env = { TOKENTAP_HOME: home, HOME: '/Users/al' }
const ca = join(home, 'ca', 'ca.pem')
const asRoot = process.getuid?.() === 0
const sudo = asRoot ? '' : 'sudo '

describe('OS detection', () => {
  test('os-release ID / ID_LIKE, then the anchor directories', () => {
    const none = () => false
    expect(detectOs('darwin', null, none)).toBe('macos')
    expect(detectOs('linux', 'ID=ubuntu\nID_LIKE=debian\n', none)).toBe('debian')
    expect(detectOs('linux', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', none)).toBe('rhel')
    expect(detectOs('linux', 'ID=fedora\n', none)).toBe('rhel')
    expect(detectOs('linux', 'ID=arch\n', none)).toBeNull()
    expect(detectOs('linux', null, (p) => p === '/etc/pki/ca-trust/source/anchors')).toBe('rhel')
    expect(detectOs('win32', null, none)).toBeNull()
  })

  test('plans per OS, with sudo only when not root', () => {
    const input = { caCert: '/h/ca.pem', root: false, home: '/Users/al', sha1: 'AB12' }
    expect(installPlan({ ...input, os: 'debian' }).map(shellLine)).toEqual([
      'sudo install -m 0644 /h/ca.pem /usr/local/share/ca-certificates/tokentap.crt',
      'sudo update-ca-certificates',
    ])
    expect(installPlan({ ...input, os: 'rhel', root: true }).map(shellLine)).toEqual([
      'install -m 0644 /h/ca.pem /etc/pki/ca-trust/source/anchors/tokentap.crt',
      'update-ca-trust',
    ])
    expect(installPlan({ ...input, os: 'macos' }).map(shellLine)).toEqual([
      'security add-trusted-cert -r trustRoot -p ssl -k /Users/al/Library/Keychains/login.keychain-db /h/ca.pem',
    ])
    expect(uninstallPlan({ ...input, os: 'debian' }).map(shellLine)).toEqual([
      'sudo rm -f /usr/local/share/ca-certificates/tokentap.crt',
      'sudo update-ca-certificates --fresh',
    ])
    expect(uninstallPlan({ ...input, os: 'macos' }).map(shellLine)).toEqual([
      'security delete-certificate -Z AB12 -t /Users/al/Library/Keychains/login.keychain-db',
    ])
    expect(shellLine(['a b', "it's"])).toBe(`'a b' 'it'\\''s'`)
  })
})

describe('install-cert / uninstall-cert with an injected runner', () => {
  test('prints the commands, runs them with --yes', async () => {
    const ctx = testContext(env)
    expect(await main(['install-cert', '--os', 'debian', '--yes'], ctx)).toBe(0)
    expect(ctx.output()).toContain(
      `  ${sudo}install -m 0644 ${ca} /usr/local/share/ca-certificates/tokentap.crt\n`,
    )
    expect(ctx.output()).toContain(`  ${sudo}update-ca-certificates\n`)
    expect(ctx.ran.map(shellLine)).toEqual([
      `${sudo}install -m 0644 ${ca} /usr/local/share/ca-certificates/tokentap.crt`,
      `${sudo}update-ca-certificates`,
    ])
  })

  test('asks first: a no runs nothing and exits 1; a yes runs them', async () => {
    const no = testContext(env, { confirm: false })
    expect(await main(['install-cert', '--os', 'rhel'], no)).toBe(1)
    expect(no.ran).toEqual([])
    expect(no.output()).toContain(`${sudo}update-ca-trust`)
    const yes = testContext(env, { confirm: true })
    expect(await main(['install-cert', '--os', 'rhel'], yes)).toBe(0)
    expect(yes.ran.length).toBe(2)
  })

  test('--dry-run prints and runs nothing; macOS deletes by SHA-1', async () => {
    const ctx = testContext(env, { confirm: true })
    expect(await main(['uninstall-cert', '--os', 'macos', '--dry-run'], ctx)).toBe(0)
    expect(ctx.ran).toEqual([])
    const { X509Certificate } = await import('node:crypto')
    const sha1 = new X509Certificate(await Bun.file(ca).text()).fingerprint.replace(/:/g, '')
    expect(ctx.output()).toContain(
      `security delete-certificate -Z ${sha1} -t /Users/al/Library/Keychains/login.keychain-db`,
    )
    expect(ctx.output()).toContain('would run')
  })

  test('a failing command stops the plan with exit 1', async () => {
    const ctx = testContext(env, { code: 5 })
    expect(await main(['install-cert', '--os', 'debian', '--yes'], ctx)).toBe(1)
    expect(ctx.ran.length).toBe(1)
    expect(ctx.stderr.join('')).toContain('failed (exit 5)')
  })

  test('an unsupported system says so; --os is validated', async () => {
    const ctx = testContext(env, { platform: 'win32' })
    expect(await main(['install-cert'], ctx)).toBe(1)
    expect(ctx.stderr.join('')).toContain('unsupported system')
    expect(await main(['install-cert', '--os', 'beos'], testContext(env))).toBe(2)
  })

  test("a team member's machine: CA_CERT_FILE alone (no key) is enough", async () => {
    const info = await ensureCa(env)
    const member = { HOME: env.HOME, CA_CERT_FILE: info.path }
    const ctx = testContext(member)
    expect(await main(['ca'], ctx)).toBe(0)
    expect(ctx.output()).toContain(info.fingerprintSha256)
    const bad = testContext({ ...member, CA_CERT_FILE: '/nonexistent/ca.pem' })
    expect(await main(['ca'], bad)).toBe(1)
  })

  test('ca prints the path and fingerprint of the CA it created', async () => {
    const info = await ensureCa(env)
    const ctx = testContext(env)
    expect(await main(['ca'], ctx)).toBe(0)
    expect(ctx.output()).toStartWith(
      `CA certificate  ${ca}\nSHA-256         ${info.fingerprintSha256}\nValid until     `,
    )
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })
})

describe('finding 4: macOS trusts the CA for SSL only', () => {
  test('install-cert on macOS passes -p ssl to security add-trusted-cert', async () => {
    const ctx = testContext(env, { confirm: true, platform: 'darwin' })
    expect(await main(['install-cert', '--os', 'macos', '--yes'], ctx)).toBe(0)
    expect(ctx.ran.map(shellLine)).toEqual([
      `security add-trusted-cert -r trustRoot -p ssl -k /Users/al/Library/Keychains/login.keychain-db ${ca}`,
    ])
  })
})
