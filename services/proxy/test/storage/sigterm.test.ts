// SIGTERM under load: the real proxy process (`bun services/proxy/src/main.ts`) with
// DATABASE_URL gets SIGTERM while requests are in flight; it exits 0, every exchange a client
// saw finish with 200 is in usage_events exactly once, and nothing is left in the spool.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'

const MAIN = join(import.meta.dir, '..', '..', 'src', 'main.ts')
const WORKERS = 8
const LOAD_MS = 1000

let db: TestDatabase
let mock: MockUpstream
let home: string
let served = 0

beforeAll(async () => {
  db = await testDatabase()
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', async () => {
    const n = ++served
    // Every third response is slow, so exchanges are in flight when the signal lands.
    if (n % 3 === 0) await Bun.sleep(100 + (n % 5) * 50)
    return Response.json({
      id: `msg_${n}`,
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 11, output_tokens: 5 },
    })
  })
  home = mkdtempSync(join(tmpdir(), 'tt-sigterm-'))
}, 60_000)

afterAll(async () => {
  await mock?.stop()
  await db?.drop()
  if (home) rmSync(home, { recursive: true, force: true })
})

/** Reads stderr until `pattern` matches (bounded); keeps reading into `sink` afterwards. */
async function waitForLine(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  sink: string[],
  limitMs: number,
): Promise<RegExpExecArray> {
  const reader = stream.getReader()
  const dec = new TextDecoder()
  let text = ''
  const deadline = Date.now() + limitMs
  for (;;) {
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`no ${pattern} on stderr within ${limitMs} ms:\n${text}`)
    const next = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)])
    if (next === null) continue
    if (next.done) throw new Error(`proxy stderr closed before ${pattern}:\n${text}`)
    text += dec.decode(next.value, { stream: true })
    const m = pattern.exec(text)
    if (m) {
      sink.push(text)
      void (async () => {
        for (;;) {
          const r = await reader.read()
          if (r.done) break
          sink.push(dec.decode(r.value, { stream: true }))
        }
      })()
      return m
    }
  }
}

describe('proxy process with DATABASE_URL', () => {
  test('SIGTERM under load: every finished exchange is in the table', async () => {
    const tthome = join(home, '.tokentap')
    const proc = Bun.spawn(['bun', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        TOKENTAP_HOME: tthome,
        PROXY_PORT: '0',
        DATABASE_URL: db.url,
        BATCH_INTERVAL_MS: '200',
        SHUTDOWN_GRACE_MS: '5000',
        TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port}`,
        TOKENTAP_UPSTREAM_CA: mock.caPath,
      },
      stdout: 'ignore',
      stderr: 'pipe',
    })
    const stderr: string[] = []
    try {
      const m = await waitForLine(
        proc.stderr,
        /listening on http:\/\/127\.0\.0\.1:(\d+)/,
        stderr,
        20_000,
      )
      const proxyUrl = `http://127.0.0.1:${m[1]}`
      const ca = readFileSync(join(tthome, 'ca', 'ca.pem'), 'utf8')

      const received: string[] = []
      let failed = 0
      let signalled = false
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; !signalled; i++) {
          try {
            const r = await fetch('https://api.anthropic.com/v1/messages', {
              method: 'POST',
              proxy: proxyUrl,
              tls: { ca },
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ model: 'claude-haiku-4-5', w, i }),
              signal: AbortSignal.timeout(10_000),
            })
            const body = (await r.json()) as { id?: string }
            if (r.status === 200 && body.id) received.push(body.id)
            else failed++
          } catch {
            failed++ // refused or cut after the signal: not counted as finished
          }
        }
      }
      const workers = Array.from({ length: WORKERS }, (_, w) => worker(w))
      await Bun.sleep(LOAD_MS)
      const inFlightAtSignal = served - received.length
      proc.kill('SIGTERM')
      signalled = true
      const exit = await Promise.race([proc.exited, Bun.sleep(15_000).then(() => 'timeout')])
      await Promise.race([Promise.all(workers), Bun.sleep(12_000)])
      expect(exit, stderr.join('')).toBe(0)
      expect(received.length).toBeGreaterThan(20)
      // The load really overlapped the signal (slow responses were being served).
      expect(inFlightAtSignal).toBeGreaterThan(0)

      const rows = await db.sql<{ response_id: string; n: number }[]>`
        select response_id, count(*)::int as n from usage_events group by response_id`
      const inTable = new Map(rows.map((r) => [r.response_id, r.n]))
      const missing = received.filter((id) => inTable.get(id) !== 1)
      expect(missing).toEqual([])
      expect(rows.filter((r) => r.n !== 1)).toEqual([]) // no duplicates at all
      expect(new Set(received).size).toBe(received.length)
      const spool = join(tthome, 'spool')
      const left = existsSync(spool) ? readdirSync(spool).filter((f) => f.endsWith('.jsonl')) : []
      expect(left).toEqual([])
      expect(stderr.join('')).toContain('SIGTERM: finishing in-flight exchanges')
      if (process.env.TT_SIGTERM_VERBOSE) {
        console.log(
          `received ${received.length}, failed ${failed}, in flight at signal ${inFlightAtSignal}`,
        )
      }
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
    }
  }, 60_000)
})
