import { describe, expect, test } from 'bun:test'
import { createMetrics } from '../metrics/metrics.ts'
import { familyTotal, sumMetrics, workerLines } from './metrics-sum.ts'

function worker(exchanges: number, latency: number, degraded: 0 | 1, queue: number): string {
  const m = createMetrics()
  for (let i = 0; i < exchanges; i++) m.exchange('anthropic', 'ok')
  m.exchange('openai', 'client_abort')
  m.authFailure('wrong_token')
  m.mitmOpened()
  m.gauge('tokentap_flush_latency_ms', 'Last batch flush latency.', () => latency)
  m.gauge('tokentap_db_degraded', '1 while Postgres is unreachable.', () => degraded)
  m.gauge('tokentap_db_queue_depth', 'Records waiting for Postgres.', () => queue)
  m.labelledGauge('tokentap_client_connections', 'Open.', 'state', () => ({ mitm: 1, plain: 2 }))
  return m.render()
}

const value = (text: string, key: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${key} `))
  return line === undefined ? undefined : Number(line.slice(key.length + 1))
}

describe('sumMetrics', () => {
  const a = worker(3, 12, 0, 5)
  const b = worker(4, 30, 1, 7)
  const sum = sumMetrics([a, b])

  test('sums every series with the same name and labels', () => {
    expect(value(sum, 'tokentap_exchanges_total{provider="anthropic",outcome="ok"}')).toBe(7)
    expect(value(sum, 'tokentap_exchanges_total{provider="openai",outcome="client_abort"}')).toBe(2)
    expect(value(sum, 'tokentap_proxy_auth_failures_total{reason="wrong_token"}')).toBe(2)
    expect(value(sum, 'tokentap_mitm_connections_active')).toBe(2)
    expect(value(sum, 'tokentap_db_queue_depth')).toBe(12)
    expect(value(sum, 'tokentap_client_connections{state="plain"}')).toBe(4)
  })

  test('a latency and a 0/1 flag take the worst worker, not the sum', () => {
    expect(value(sum, 'tokentap_flush_latency_ms')).toBe(30)
    expect(value(sum, 'tokentap_db_degraded')).toBe(1)
  })

  test('HELP and TYPE once per family, before its samples', () => {
    const lines = sum.split('\n')
    expect(lines.filter((l) => l === '# TYPE tokentap_exchanges_total counter')).toHaveLength(1)
    const type = lines.indexOf('# TYPE tokentap_db_queue_depth gauge')
    expect(type).toBeGreaterThan(0)
    expect(lines[type + 1]).toBe('tokentap_db_queue_depth 12')
  })

  test('one worker comes back as it was rendered', () => {
    expect(sumMetrics([a])).toBe(a)
  })

  test('a label value with spaces and an odd line do not break the sum', () => {
    const odd = 'x{reason="a b"} 2\nnot a sample\n# comment\nx{reason="a b"} 3\n'
    expect(value(sumMetrics([odd, odd]), 'x{reason="a b"}')).toBe(10)
  })
})

describe('workerLines', () => {
  test('worker count, restarts and each worker’s exchanges', () => {
    const texts = new Map([
      [1, worker(4, 0, 0, 0)],
      [0, worker(3, 0, 0, 0)],
    ])
    const text = workerLines({ workers: 2, restarts: 1, texts })
    expect(value(text, 'tokentap_workers')).toBe(2)
    expect(value(text, 'tokentap_worker_restarts_total')).toBe(1)
    expect(value(text, 'tokentap_worker_exchanges{worker="0"}')).toBe(4)
    expect(value(text, 'tokentap_worker_exchanges{worker="1"}')).toBe(5)
    expect(text.indexOf('worker="0"')).toBeLessThan(text.indexOf('worker="1"'))
    expect(familyTotal(text, 'tokentap_worker_exchanges')).toBe(9)
  })
})
