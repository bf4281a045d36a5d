// Finding 3 of issue 13: Gemini's `?key=AIza…` stayed in usage_events.path (and so on the event
// page, /api/events, the live stream and the CSV, which all read that column), in the JSON-lines
// log and in captured bodies. The upstream must still get the key; nothing the proxy keeps may.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from './helpers.ts'

const KEY = 'AIzaSyD-leaked-key-0123456789abcdefghij'
const SIGNATURE = 'deadbeefcafe0123456789'
const HOST = 'generativelanguage.googleapis.com'
const PATH = '/v1beta/models/gemini-2.5-flash:generateContent'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tt-redact-'))
  db = await testDatabase()
  mock = await startMockUpstream()
  mock.on(HOST, `POST ${PATH}`, () =>
    Response.json({
      candidates: [
        {
          content: {
            parts: [
              { fileData: { fileUri: `https://storage.example/o?X-Goog-Signature=${SIGNATURE}` } },
            ],
          },
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: 'gemini-2.5-flash',
    }),
  )
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      DATABASE_URL: db.url,
      BATCH_INTERVAL_MS: '50',
      TOKENTAP_USAGE_LOG: join(dir, 'usage.jsonl'),
      TOKENTAP_CAPTURE_BODIES: '1',
    },
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await db.drop()
  rmSync(dir, { recursive: true, force: true })
})

describe('finding 3: secrets in recorded paths', () => {
  test("Gemini's ?key=AIza… reaches the upstream but not usage_events, the usage log, bodies or logs", async () => {
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--cacert',
      proxy.caPath,
      '-H',
      'content-type: application/json',
      '-d',
      `{"contents":[{"parts":[{"text":"see https://x.example/cb?access_token=${SIGNATURE}"}]}]}`,
      `https://${HOST}${PATH}?alt=json&key=${KEY}`,
    ])
    expect(r.code).toBe(0)
    expect(mock.seen.at(-1)?.path).toBe(`${PATH}?alt=json&key=${KEY}`)

    const record = await proxy.sink.recordAfter(0)
    expect(record.path).toBe(`${PATH}?alt=json&key=***`)

    type Row = { path: string; request: string | null; response: string | null }
    let rows: Row[] = []
    await waitFor('the row and its bodies', async () => {
      rows = await db.sql<Row[]>`
        select e.path, b.request, b.response
        from usage_events e left join exchange_bodies b on b.event_id = e.id`
      return rows.length === 1 && rows[0]!.response !== null
    })
    expect(rows[0]!.path).toBe(`${PATH}?alt=json&key=***`)
    expect(rows[0]!.request).toContain('?access_token=***')
    expect(rows[0]!.response).toContain('?X-Goog-Signature=***')

    await waitFor('the usage log line', () => {
      try {
        return readFileSync(join(dir, 'usage.jsonl'), 'utf8').includes('\n')
      } catch {
        return false
      }
    })
    const line = readFileSync(join(dir, 'usage.jsonl'), 'utf8')
    expect(line).toContain(
      '"path":"/v1beta/models/gemini-2.5-flash:generateContent?alt=json&key=***"',
    )

    // A request target the proxy refuses is logged, masked.
    const socket = await Bun.connect({
      hostname: '127.0.0.1',
      port: proxy.app.address.port,
      socket: { data() {} },
    })
    socket.write(`GET http://[::1/?key=${KEY} HTTP/1.1\r\nHost: x\r\n\r\n`)
    await waitFor('the refusal to be logged', () => proxy.logs.some((l) => l.includes('::1')))
    socket.end()

    const everything = [line, JSON.stringify(rows), ...proxy.logs].join('\n')
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain(SIGNATURE)
  })
})
