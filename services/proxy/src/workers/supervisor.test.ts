import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../log.ts'
import { type Supervisor, startSupervisor } from './supervisor.ts'

const FAKE = join(import.meta.dir, 'testing', 'fake-worker.ts')

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  }
}

const series = (text: string, key: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${key} `))
  return line === undefined ? undefined : Number(line.slice(key.length + 1))
}

describe('startSupervisor (fake workers)', () => {
  let dir = ''
  let running: Supervisor | null = null
  afterEach(async () => {
    await running?.stop()
    running = null
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const start = (workers: number, env: Record<string, string> = {}, log = recordingLog()) => {
    dir = mkdtempSync(join(tmpdir(), 'tt-supervisor-'))
    return startSupervisor({
      workers,
      port: 0,
      env: { PATH: process.env.PATH ?? '', FAKE_DIR: dir, ...env },
      log,
      command: (args) => [process.execPath, FAKE, ...args],
    })
  }

  test('the first worker’s port is everyone’s; metrics summed; flushes reach the first worker only', async () => {
    const s = await start(3)
    running = s
    expect(s.address).toEqual({ host: '127.0.0.1', port: 40000 })
    expect(s.pids()).toHaveLength(3)
    let text = await s.metrics()
    // Worker 1's flush is relayed once it started; wait for it (no timing assumed).
    while (series(text, 'fake_relayed_flushes{worker="0"}') !== 1) text = await s.metrics()
    expect(series(text, 'tokentap_exchanges_total{provider="fake",outcome="ok"}')).toBe(1 + 2 + 3)
    expect(series(text, 'fake_port{worker="0",port="0"}')).toBe(1)
    expect(series(text, 'fake_port{worker="1",port="40000"}')).toBe(1)
    expect(series(text, 'fake_port{worker="2",port="40000"}')).toBe(1)
    expect(series(text, 'fake_relayed_flushes{worker="1"}')).toBe(0)
    expect(series(text, 'tokentap_workers')).toBe(3)
    expect(series(text, 'tokentap_worker_exchanges{worker="2"}')).toBe(3)
    expect(await s.stop()).toBe(0)
    running = null
  })

  test('a worker that dies is logged and restarted on the same port', async () => {
    const log = recordingLog()
    const s = await start(2, { FAKE_DIE_ONCE: '1' }, log)
    running = s
    let text = await s.metrics()
    while (
      series(text, 'tokentap_worker_restarts_total') !== 1 ||
      series(text, 'tokentap_workers') !== 2
    ) {
      text = await s.metrics()
    }
    expect(
      log.lines.some((l) =>
        /^error worker 1 \(pid \d+\) exited \(code 3\); restarting in 0 ms$/.test(l),
      ),
    ).toBe(true)
    expect(series(text, 'fake_port{worker="1",port="40000"}')).toBe(1)
  })

  test('a worker that cannot start fails the start-up, naming it', async () => {
    await expect(start(2, { FAKE_FAIL: '1' })).rejects.toThrow(
      'worker 0 exited (code 2) before it listened',
    )
  })
})
