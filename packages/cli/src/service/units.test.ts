import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAIN } from '../cli/self.ts'
import { testContext } from '../cli/testing/context.ts'
import { main } from '../main.ts'
import { launchdPlist, systemdUnit } from './units.ts'

const root = mkdtempSync(join(tmpdir(), 'tt-service-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('service files', () => {
  test('systemd unit: quoted ExecStart, %% escaped, env and env file', () => {
    const text = systemdUnit({
      argv: ['/opt/my bun/bun', '/src/main.ts', 'up'],
      env: [['TOKENTAP_HOME', '/h/100%']],
      home: '/h',
    })
    expect(text).toContain('ExecStart="/opt/my bun/bun" "/src/main.ts" "up"\n')
    expect(text).toContain('Environment="TOKENTAP_HOME=/h/100%%"\n')
    expect(text).toContain('EnvironmentFile=-/h/service.env\n')
    expect(text).toContain('WantedBy=default.target\n')
  })

  test('launchd plist: escaped XML, label, arguments, log file', () => {
    const text = launchdPlist({ argv: ['/b', '/m&.ts', 'up'], env: [['A', '<x>']], home: '/h' })
    expect(text).toContain('<key>Label</key><string>dev.tokentap</string>')
    expect(text).toContain(
      '<array><string>/b</string><string>/m&amp;.ts</string><string>up</string></array>',
    )
    expect(text).toContain('<key>A</key><string>&lt;x&gt;</string>')
    expect(text).toContain('<key>StandardOutPath</key><string>/h/logs/launchd.log</string>')
  })

  test('linux: install writes the unit and prints the enable command; --yes runs it', async () => {
    const env = { HOME: root, TOKENTAP_HOME: join(root, 'tt'), PROXY_PORT: '9090' }
    const ctx = testContext(env)
    expect(await main(['service', 'install'], ctx)).toBe(0)
    const unit = join(root, '.config', 'systemd', 'user', 'tokentap.service')
    const text = readFileSync(unit, 'utf8')
    expect(text).toContain(`"${MAIN}" "up"`)
    expect(text).toContain('Environment="PROXY_PORT=9090"')
    expect(text).toContain(`Environment="TOKENTAP_HOME=${join(root, 'tt')}"`)
    expect(ctx.output()).toContain('systemctl --user enable --now tokentap.service')
    expect(ctx.ran).toEqual([])
    const yes = testContext(env)
    expect(await main(['service', 'install', '--yes'], yes)).toBe(0)
    expect(yes.ran).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'tokentap.service'],
    ])
    // What `systemctl enable` leaves behind goes too.
    const wants = join(root, '.config', 'systemd', 'user', 'default.target.wants')
    mkdirSync(wants, { recursive: true })
    symlinkSync(unit, join(wants, 'tokentap.service'))
    const un = testContext(env)
    expect(await main(['service', 'uninstall', '--yes'], un)).toBe(0)
    expect(existsSync(unit)).toBe(false)
    expect(existsSync(join(wants, 'tokentap.service'))).toBe(false)
    expect(un.ran[0]).toEqual(['systemctl', '--user', 'stop', 'tokentap.service'])
  })

  test('macOS: a launchd agent and launchctl bootstrap', async () => {
    const ctx = testContext({ HOME: root, TOKENTAP_HOME: join(root, 'tt') }, { platform: 'darwin' })
    expect(await main(['service', 'install'], ctx)).toBe(0)
    const plist = join(root, 'Library', 'LaunchAgents', 'dev.tokentap.plist')
    expect(readFileSync(plist, 'utf8')).toContain('<string>up</string>')
    expect(ctx.output()).toMatch(/launchctl bootstrap gui\/\d+ \S+dev\.tokentap\.plist/)
  })

  test('usage errors', async () => {
    expect(await main(['service'], testContext({ HOME: root }))).toBe(2)
    expect(await main(['service', 'start'], testContext({ HOME: root }))).toBe(2)
  })
})
