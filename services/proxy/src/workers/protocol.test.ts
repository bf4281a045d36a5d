import { describe, expect, test } from 'bun:test'
import { readFromWorker, readToWorker, readWorkerArgs, workerArgs } from './protocol.ts'

describe('worker messages', () => {
  test('well-formed messages come through', () => {
    const info = { count: 2, firstId: 'a', lastId: 'b' }
    const ready = { t: 'ready', host: '127.0.0.1', port: 8080, caCertPath: null }
    expect(readFromWorker(ready)).toEqual({
      t: 'ready',
      host: '127.0.0.1',
      port: 8080,
      caCertPath: null,
    })
    expect(readFromWorker({ t: 'flushed', info })).toEqual({ t: 'flushed', info })
    expect(readFromWorker({ t: 'metrics', id: 3, text: 'x 1\n' })?.t).toBe('metrics')
    expect(readToWorker({ t: 'gathered', id: 3, text: '' })?.t).toBe('gathered')
    expect(readToWorker({ t: 'render', id: 1 })).toEqual({ t: 'render', id: 1 })
  })

  test('anything else is ignored', () => {
    for (const bad of [
      null,
      'ready',
      { t: 'ready', host: 'h' },
      { t: 'ready', host: 'h', port: 1, caCertPath: 3 },
      { t: 'flushed', info: { count: '2', firstId: 'a', lastId: 'b' } },
      { t: 'gather', id: 1.5 },
      { t: 'metrics', id: 1 },
      { t: 'nope' },
    ]) {
      expect(readFromWorker(bad)).toBeNull()
    }
    expect(readToWorker({ t: 'ready', host: 'h', port: 1 })).toBeNull()
  })
})

describe('worker arguments', () => {
  test('round trip, and none for the supervisor', () => {
    expect(readWorkerArgs(workerArgs({ index: 1, count: 2 }))).toEqual({ index: 1, count: 2 })
    expect(readWorkerArgs([])).toBeNull()
  })

  test('a malformed line throws', () => {
    expect(() => readWorkerArgs(['--worker', '2', '--of', '2'])).toThrow(/bad worker arguments/)
    expect(() => readWorkerArgs(['--worker', 'x', '--of', '2'])).toThrow()
    expect(() => readWorkerArgs(['--worker', '0'])).toThrow()
  })
})
