// A stand-in for a proxy worker in supervisor tests: speaks the IPC protocol, serves nothing.
// FAKE_DIR holds its markers. Worker 0 picks port 40000 when PROXY_PORT=0; every worker reports
// the port it was given, the flushes relayed to it, and exits 0 on SIGTERM. FAKE_FAIL: worker 0
// exits 2 before it listens. FAKE_DIE_ONCE: worker 1 exits 3 the first time, after it listened.
// Worker 1 reports one flush when it starts.

import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type FromWorker, readToWorker, readWorkerArgs } from '../protocol.ts'

const slot = readWorkerArgs(process.argv.slice(2))
if (!slot) throw new Error('fake worker: no --worker')
const dir = process.env.FAKE_DIR ?? '.'
const send = (m: FromWorker): void => {
  process.send?.(m)
}
if (slot.index === 0 && process.env.FAKE_FAIL) process.exit(2)
const given = Number(process.env.PROXY_PORT)
const port = given === 0 ? 40000 : given
let relayed = 0
process.on('message', (raw: unknown) => {
  const m = readToWorker(raw)
  if (m?.t === 'flushed') relayed++
  if (m?.t === 'render') {
    const text = [
      '# TYPE tokentap_exchanges_total counter',
      `tokentap_exchanges_total{provider="fake",outcome="ok"} ${slot.index + 1}`,
      `fake_port{worker="${slot.index}",port="${given}"} 1`,
      `fake_relayed_flushes{worker="${slot.index}"} ${relayed}`,
      '',
    ].join('\n')
    send({ t: 'metrics', id: m.id, text })
  }
})
process.on('SIGTERM', () => process.exit(0))
send({ t: 'ready', host: '127.0.0.1', port, caCertPath: null })
if (slot.index === 1) {
  send({ t: 'flushed', info: { count: 1, firstId: 'a', lastId: 'a' } })
  const marker = join(dir, 'died-once')
  if (process.env.FAKE_DIE_ONCE && !existsSync(marker)) {
    writeFileSync(marker, '')
    setTimeout(() => process.exit(3), 50)
  }
}
// Stay alive until told to stop.
setInterval(() => {}, 60_000)
