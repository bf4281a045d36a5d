import { describe, expect, test } from 'bun:test'
import { ConfigError } from '@tokentap/shared'
import { defaultWorkerCount, perWorkerShare, readWorkerCount } from './count.ts'

describe('PROXY_WORKERS', () => {
  test('defaults to the available cores, at most 8, at least 1', () => {
    expect(readWorkerCount({}, 2, 'linux')).toBe(2)
    expect(readWorkerCount({}, 32, 'linux')).toBe(8)
    expect(defaultWorkerCount(0, 'linux')).toBe(1)
    expect(defaultWorkerCount(1, 'linux')).toBe(1)
  })

  test('an explicit count wins, above the default cap too', () => {
    expect(readWorkerCount({ PROXY_WORKERS: '1' }, 16)).toBe(1)
    expect(readWorkerCount({ PROXY_WORKERS: '12' }, 2, 'linux')).toBe(12)
  })

  test('anything but an integer from 1 to 64 fails naming the variable', () => {
    for (const bad of ['0', '-2', 'two', '1.5', '65']) {
      expect(() => readWorkerCount({ PROXY_WORKERS: bad }, 2)).toThrow(ConfigError)
      expect(() => readWorkerCount({ PROXY_WORKERS: bad }, 2)).toThrow(/PROXY_WORKERS/)
    }
  })

  test('off Linux (no SO_REUSEPORT balancing): one process, and more is refused', () => {
    expect(readWorkerCount({}, 8, 'darwin')).toBe(1)
    expect(readWorkerCount({ PROXY_WORKERS: '1' }, 8, 'darwin')).toBe(1)
    expect(() => readWorkerCount({ PROXY_WORKERS: '2' }, 8, 'darwin')).toThrow(
      'PROXY_WORKERS: workers share the port through SO_REUSEPORT, which only Linux balances; use 1 on darwin',
    )
    expect(readWorkerCount({ PROXY_WORKERS: '2' }, 8, 'linux')).toBe(2)
  })

  test('a proxy-wide cap splits over the workers, rounded up', () => {
    expect(perWorkerShare(4096, 1)).toBe(4096)
    expect(perWorkerShare(4096, 3)).toBe(1366)
    expect(perWorkerShare(1, 4)).toBe(1)
  })
})
