// shell-init and install/uninstall as a user meets them: the output evaluated by the real
// bash, zsh and fish (quotes and spaces in paths and names included), nothing printed while
// the proxy is down, and the rc block evaluated at shell start and removed byte for byte.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testContext } from '../src/cli/testing/context.ts'
import { ensureCa } from '../src/commands/ca.ts'
import { main } from '../src/main.ts'
import { BEGIN } from '../src/rc/block.ts'
import { writeState } from '../src/state/state.ts'
import { CLI, type CliFixture, cliFixture, MAIN, sh } from './fixture.ts'

let f: CliFixture
let root: string
let home: string
let ttHome: string
let proxyPort: number
let deadPort: number

beforeAll(async () => {
  f = await cliFixture()
  ;({ root, home, ttHome, proxyPort, deadPort } = f)
})
afterAll(() => f.stop())

const baseEnv = (extra: Record<string, string> = {}) => f.env(extra)
const expectedUrl = () => f.proxyUrl()

const SHOW = [
  'HTTPS_PROXY',
  'http_proxy',
  'NO_PROXY',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'CODEX_CA_CERTIFICATE',
]

function shellCommand(shell: string, init: string): string[] {
  if (shell === 'fish') {
    const show = SHOW.map((v) => `"$${v}"`).join(' ')
    return ['fish', '--no-config', '-c', `${init} | source; printf '%s\\n' ${show}`]
  }
  const show = SHOW.map((v) => `"$${v}"`).join(' ')
  const flags = shell === 'zsh' ? ['-f'] : ['--norc', '--noprofile']
  return [shell, ...flags, '-c', `eval "$(${init})"; printf '%s\\n' ${show}`]
}

describe('shell-init in the real shells', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    test(`${shell}: the output parses and sets the variables`, async () => {
      const r = await sh(shellCommand(shell, `${CLI} shell-init --shell ${shell}`), baseEnv())
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const bundle = join(ttHome, 'ca', 'bundle.pem')
      expect(r.stdout.split('\n')).toEqual([
        expectedUrl(),
        expectedUrl(),
        'localhost,127.0.0.1,::1,corp.example',
        join(ttHome, 'ca', 'ca.pem'),
        bundle,
        bundle,
        bundle,
        bundle,
        '',
      ])
      expect(readFileSync(bundle, 'utf8')).toContain(
        readFileSync(join(ttHome, 'ca', 'ca.pem'), 'utf8'),
      )
    }, 30_000)
  }

  test('$SHELL picks the syntax when --shell is absent', async () => {
    const r = await sh([process.execPath, MAIN, 'shell-init'], baseEnv({ SHELL: '/usr/bin/fish' }))
    expect(r.stdout).toContain(`set -gx HTTPS_PROXY 'http://o\\'brien%20x@127.0.0.1:${proxyPort}';`)
  })

  test('prints nothing and exits 0 when the proxy is down (even with a stale state file)', async () => {
    const dead = Bun.spawn(['true'])
    await dead.exited
    const stateHome = join(root, 'stale')
    await ensureCa({ TOKENTAP_HOME: stateHome })
    writeState(join(stateHome, 'up.json'), {
      pid: dead.pid,
      startedAt: new Date().toISOString(),
      proxy: { host: '127.0.0.1', port: proxyPort },
      dashboard: { host: '127.0.0.1', port: 1 },
      caCert: join(stateHome, 'ca', 'ca.pem'),
      logFile: join(stateHome, 'logs', 'tokentap.log'),
      embeddedDataDir: null,
    })
    for (const shell of ['bash', 'zsh', 'fish']) {
      const env = baseEnv({ TOKENTAP_HOME: stateHome, PROXY_PORT: String(deadPort) })
      const r = await sh([process.execPath, MAIN, 'shell-init', '--shell', shell], env)
      expect(r).toEqual({ stdout: '', stderr: '', code: 0 })
      const s = await sh(shellCommand(shell, `${CLI} shell-init --shell ${shell}`), env)
      expect(s.code).toBe(0)
      expect(s.stdout.split('\n').slice(0, 2)).toEqual(['', ''])
    }
  }, 30_000)

  test('a live state file names the proxy, whatever PROXY_PORT says', async () => {
    const stateHome = join(root, 'live')
    await ensureCa({ TOKENTAP_HOME: stateHome })
    writeState(join(stateHome, 'up.json'), {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      proxy: { host: '127.0.0.1', port: 4321 },
      dashboard: { host: '127.0.0.1', port: 1 },
      caCert: join(stateHome, 'ca', 'ca.pem'),
      logFile: join(stateHome, 'logs', 'tokentap.log'),
      embeddedDataDir: null,
    })
    const ctx = testContext(baseEnv({ TOKENTAP_HOME: stateHome, PROXY_PORT: String(deadPort) }))
    expect(await main(['shell-init', '--shell', 'bash', '--project', 'p'], ctx)).toBe(0)
    expect(ctx.output()).toContain(`export HTTPS_PROXY='http://o'\\''brien%20x+p@127.0.0.1:4321';`)
  })

  test('an unknown --shell is a usage error', async () => {
    const ctx = testContext(baseEnv())
    expect(await main(['shell-init', '--shell', 'tcsh'], ctx)).toBe(2)
    expect(ctx.stderr.join('')).toContain('--shell must be one of bash, zsh, fish')
  })
})

describe('install / uninstall', () => {
  for (const [shell, rc] of [
    ['bash', '.bashrc'],
    ['zsh', '.zshrc'],
    ['fish', '.config/fish/config.fish'],
  ] as const) {
    test(`${shell}: twice leaves one block, a new shell gets the variables, uninstall restores`, async () => {
      const file = join(home, rc)
      const original = `# my ${shell} rc\nalias ll='ls -l'` // no trailing newline
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, original)
      const env = baseEnv({ SHELL: `/bin/${shell}` })
      for (let i = 0; i < 2; i++) expect(await main(['install'], testContext(env))).toBe(0)
      const installed = readFileSync(file, 'utf8')
      expect(installed.split(BEGIN).length - 1).toBe(1)
      expect(installed.startsWith(`${original}\n`)).toBe(true)

      const read =
        shell === 'fish'
          ? ['fish', '-c', 'printf %s "$HTTPS_PROXY"']
          : shell === 'zsh'
            ? ['zsh', '-c', `source ${file}; printf %s "$HTTPS_PROXY"`]
            : ['bash', '--norc', '-c', `source ${file}; printf %s "$HTTPS_PROXY"`]
      const r = await sh(read, env)
      expect(r.stderr).toBe('')
      expect(r.stdout).toBe(expectedUrl())

      expect(await main(['uninstall'], testContext(env))).toBe(0)
      expect(readFileSync(file, 'utf8')).toBe(original)
      const again = testContext(env)
      expect(await main(['uninstall'], again)).toBe(0)
      expect(again.output()).toContain('has no tokentap block')
    }, 30_000)
  }

  test('a missing rc file is created and removed again', async () => {
    const env = baseEnv({ HOME: join(root, 'fresh-home') })
    mkdirSync(join(root, 'fresh-home'))
    expect(await main(['install', '--shell', 'zsh'], testContext(env))).toBe(0)
    expect(existsSync(join(root, 'fresh-home', '.zshrc'))).toBe(true)
    expect(await main(['uninstall', '--shell', 'zsh'], testContext(env))).toBe(0)
    expect(existsSync(join(root, 'fresh-home', '.zshrc'))).toBe(false)
  })

  test('no shell to be found: usage error naming --shell', async () => {
    const ctx = testContext(baseEnv({ SHELL: '/bin/tcsh' }))
    expect(await main(['install'], ctx)).toBe(2)
    expect(ctx.stderr.join('')).toContain('pass --shell bash|zsh|fish')
  })
})
