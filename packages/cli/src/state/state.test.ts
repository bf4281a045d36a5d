import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canConnect } from './probe.ts'
import {
  pidAlive,
  readState,
  removeState,
  runningState,
  type UpState,
  writeState,
} from './state.ts'

const dir = mkdtempSync(join(tmpdir(), 'tt-state-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const state = (pid: number): UpState => ({
  pid,
  startedAt: '2026-11-23T10:00:00.000Z',
  proxy: { host: '127.0.0.1', port: 8080 },
  dashboard: { host: '127.0.0.1', port: 3000 },
  caCert: '/h/ca/ca.pem',
  logFile: '/h/logs/tokentap.log',
  embeddedDataDir: null,
})

describe('state file', () => {
  test('round trip; a dead pid is not running; removal only by its owner', async () => {
    const file = join(dir, 'up.json')
    writeState(file, state(process.pid))
    expect(readState(file)).toEqual(state(process.pid))
    expect(runningState(file)?.pid).toBe(process.pid)
    const dead = Bun.spawn(['true'])
    await dead.exited
    expect(pidAlive(dead.pid)).toBe(false)
    writeState(file, state(dead.pid))
    expect(runningState(file)).toBeNull()
    removeState(file, process.pid)
    expect(existsSync(file)).toBe(true)
    removeState(file, dead.pid)
    expect(existsSync(file)).toBe(false)
  })

  test('missing or malformed files read as no state', () => {
    expect(readState(join(dir, 'none.json'))).toBeNull()
    writeFileSync(join(dir, 'bad.json'), '{"pid":')
    expect(readState(join(dir, 'bad.json'))).toBeNull()
    writeFileSync(join(dir, 'partial.json'), '{"pid":1}')
    expect(readState(join(dir, 'partial.json'))).toBeNull()
  })

  test('probe: a listener answers, a closed port does not', async () => {
    const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    expect(await canConnect({ host: '127.0.0.1', port: s.port }, 1000)).toBe(true)
    s.stop(true)
    expect(await canConnect({ host: '127.0.0.1', port: s.port }, 1000)).toBe(false)
  })
})
