import { afterAll, describe, expect, test } from 'bun:test'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testContext } from '../cli/testing/context.ts'
import { main } from '../main.ts'
import { follow, lastLines } from './logs.ts'
import { opener } from './open.ts'

const home = mkdtempSync(join(tmpdir(), 'tt-logs-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))
const logDir = join(home, 'logs')

describe('tokentap logs', () => {
  test('last lines', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n')
    expect(lastLines('a\nb', 5)).toBe('a\nb\n')
    expect(lastLines('', 5)).toBe('')
    expect(lastLines('a\n', 0)).toBe('')
  })

  test('-n prints the tail; postgres picks the other file; a missing log is an error', async () => {
    mkdirSync(logDir, { recursive: true })
    writeFileSync(join(logDir, 'tokentap.log'), '1\n2\n3\n')
    writeFileSync(join(logDir, 'postgres.log'), 'pg ready\n')
    const ctx = testContext({ TOKENTAP_HOME: home })
    expect(await main(['logs', '-n', '2'], ctx)).toBe(0)
    expect(ctx.output()).toBe('2\n3\n')
    const pg = testContext({ TOKENTAP_HOME: home })
    expect(await main(['logs', 'postgres'], pg)).toBe(0)
    expect(pg.output()).toBe('pg ready\n')
    const none = testContext({ TOKENTAP_HOME: join(home, 'nope') })
    expect(await main(['logs'], none)).toBe(1)
    expect(none.stderr.join('')).toContain('no log at')
    expect(await main(['logs', 'nginx'], testContext({ TOKENTAP_HOME: home }))).toBe(2)
  })

  test('follow prints appended lines and starts over after truncation', async () => {
    const file = join(logDir, 'follow.log')
    writeFileSync(file, 'old\n')
    const got: string[] = []
    let stop: () => void = () => {}
    const until = new Promise<void>((r) => {
      stop = r
    })
    const waitFor = async (text: string) => {
      while (!got.join('').includes(text)) await Bun.sleep(10)
    }
    const running = follow(file, 4, (t) => got.push(t), { intervalMs: 10, until })
    appendFileSync(file, 'new 1\n')
    await waitFor('new 1\n')
    writeFileSync(file, 'after\n')
    await waitFor('after\n')
    stop()
    await running
    expect(got.join('')).toBe('new 1\nafter\n')
  }, 30_000)
})

describe('tokentap open', () => {
  test('uses the platform opener and prints the URL; --print only prints', async () => {
    expect(opener('linux', (c) => (c === 'xdg-open' ? '/usr/bin/xdg-open' : null))).toBe('xdg-open')
    expect(opener('darwin', () => '/usr/bin/open')).toBe('open')
    expect(opener('linux', () => null)).toBeNull()
    const ctx = testContext({ TOKENTAP_HOME: home, DASHBOARD_PORT: '3999' })
    expect(await main(['open', '--print'], ctx)).toBe(0)
    expect(ctx.output()).toBe('http://127.0.0.1:3999\n')
    expect(ctx.ran).toEqual([])
  })
})
