// Property test of the proxy's HTTP/1.1 framing, both directions, with mutated heads and
// bodies from a seeded PRNG (bounded in count and time; FRAMING_FUZZ_SEED / _CASES reproduce a
// run, the seed is printed on failure). Properties: the proxy never crashes; whatever it sends
// upstream and to the client is parsed by a strict parser (llhttp, no lenient flag) without
// error into exactly the messages the proxy framed (fuzz-model.ts); an upstream connection that
// ends mid-message is closed, never reused.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { mutate, requests, response, rng } from './fuzz-gen.ts'
import { type Forwarded, requestView, responseView } from './fuzz-model.ts'
import { strictParse } from './strict-parser.ts'
import { type Answer, plainClient, type RawUpstream, startRawUpstream } from './wire.ts'

const SEED = Number(process.env.FRAMING_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const CASES = Number(process.env.FRAMING_FUZZ_CASES ?? 300)
/** Per direction: the run stops early past this (a bound for slow machines, not a check); a
 *  failure names its case, which FRAMING_FUZZ_BUDGET_MS=0 (no bound) reaches again. */
const BUDGET_MS = Number(process.env.FRAMING_FUZZ_BUDGET_MS ?? 4000) || Number.POSITIVE_INFINITY
const MAX_HEADER_BYTES = 65_536

let upstream: RawUpstream
let proxy: Harness
let answer: (head: string) => Answer = () => null

beforeAll(async () => {
  upstream = await startRawUpstream({ tls: false, strict: true, answer: (r) => answer(r.head) })
  proxy = await startProxy({
    upstreamPort: upstream.port,
    upstreamCaPath: upstream.caPath,
    env: { TOKENTAP_RESOLVE: `*:80=127.0.0.1:${upstream.port}` },
  })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await upstream.stop()
})

class FuzzFailure extends Error {}

/** Bytes as a JS string literal body: every byte outside printable ASCII as \xNN. */
const show = (b: Buffer): string =>
  b
    .toString('latin1')
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)

function failWith(i: number, input: Buffer, message: string): never {
  throw new FuzzFailure(
    `framing fuzz failed: FRAMING_FUZZ_SEED=${SEED} case ${i}: ${message}\n` +
      `input: "${show(input)}"`,
  )
}

/** Messages llhttp completed on each upstream connection so far. */
function upstreamMessages(): { conn: number; messages: Forwarded[]; partial: boolean }[] {
  return upstream.conns.map((bytes, conn) => {
    const p = strictParse('request', bytes)
    if (p.error) throw new FuzzFailure(`upstream connection ${conn}: ${p.error}`)
    const messages = p.messages.map((m) => {
      const headers: [string, string][] = []
      for (let i = 0; i < m.headers.length; i += 2) headers.push([m.headers[i]!, m.headers[i + 1]!])
      return {
        method: m.method ?? '',
        target: m.url ?? '',
        headers,
        body: m.body.toString('latin1'),
      }
    })
    return { conn, messages, partial: p.partial }
  })
}

const canon = (fs: Forwarded[]): string[] => fs.map((f) => JSON.stringify(f)).sort()

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
const OK_HEAD = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'

describe('framing fuzz (seeded; FRAMING_FUZZ_SEED reproduces)', () => {
  test('requests: what reaches the upstream parses strictly into exactly the requests the proxy framed', async () => {
    const r = rng(SEED)
    answer = (head) => (head.startsWith('HEAD ') ? OK_HEAD : OK)
    const seen = new Map<number, number>()
    const started = Date.now()
    let ran = 0
    let forwardedTotal = 0
    for (let i = 0; i < CASES && Date.now() - started < BUDGET_MS; i++) {
      const input = Buffer.from(mutate(r, requests(r)), 'latin1')
      const view = requestView(input, MAX_HEADER_BYTES)
      if (view.skip) continue
      ran++
      const c = await plainClient(proxy.app.address.port)
      c.send(input)
      // Until every expected answer is in (and the close, when one is expected).
      const got = await c.until(
        (g) => g.statuses.length >= view.statuses.length && !view.closes,
        view.methods,
      )
      c.destroy()
      if (got.error) failWith(i, input, `client got what a strict parser refuses: ${got.error}`)
      if (JSON.stringify(got.statuses) !== JSON.stringify(view.statuses))
        failWith(i, input, `client statuses ${got.statuses}, proxy framed ${view.statuses}`)
      if (view.closes && !got.closed) failWith(i, input, 'the proxy did not close')
      const fresh: Forwarded[] = []
      for (const u of upstreamMessages()) {
        fresh.push(...u.messages.slice(seen.get(u.conn) ?? 0))
        seen.set(u.conn, u.messages.length)
      }
      if (JSON.stringify(canon(fresh)) !== JSON.stringify(canon(view.forwarded)))
        failWith(
          i,
          input,
          `upstream parsed ${JSON.stringify(fresh)}, proxy framed ${JSON.stringify(view.forwarded)}`,
        )
      forwardedTotal += fresh.length
    }
    // Connections left mid-message are closed (dropped), never pooled for another request.
    const deadline = Date.now() + 3000
    let open = upstreamMessages().filter((u) => u.partial && !upstream.closed[u.conn])
    while (open.length > 0 && Date.now() < deadline) {
      await Bun.sleep(10)
      open = open.filter((u) => !upstream.closed[u.conn])
    }
    expect(open.map((u) => `seed ${SEED}: connection ${u.conn} left open mid-message`)).toEqual([])
    expect(upstream.strictErrors).toEqual([])
    expect(ran).toBeGreaterThan(50)
    expect(forwardedTotal).toBeGreaterThan(20)
  }, 30_000)

  test('responses: what reaches the client parses strictly into exactly the response the proxy framed', async () => {
    const r = rng(SEED ^ 0x5bd1e995)
    const started = Date.now()
    let ran = 0
    let clean = 0
    for (let i = 0; i < CASES && Date.now() - started < BUDGET_MS; i++) {
      const method = r.chance(0.1) ? 'HEAD' : 'GET'
      const input = Buffer.from(mutate(r, response(r)), 'latin1')
      const view = responseView(method, input, MAX_HEADER_BYTES)
      answer = () => ({ bytes: input, close: view.outcome !== 'done' || view.extra })
      ran++
      const c = await plainClient(proxy.app.address.port)
      c.send(`${method} http://fuzz.test/r/${i} HTTP/1.1\r\nHost: fuzz.test\r\n\r\n`)
      const got = await c.until(
        (g) => view.outcome === 'done' && g.raw.length >= view.forwards.length,
      )
      c.destroy()
      const parsed = strictParse('response', got.raw, [method], got.closed)
      if (parsed.error)
        failWith(
          i,
          input,
          `client got what a strict parser refuses (${parsed.error}): "${show(got.raw)}"`,
        )
      if (view.outcome === 'done' || view.outcome === 'close') {
        clean++
        if (!got.raw.equals(view.forwards))
          failWith(i, input, `client got "${show(got.raw)}", proxy framed "${show(view.forwards)}"`)
        continue
      }
      // Refused or cut short: the proxy's own 502, or a prefix of what it framed, then close.
      if (!got.closed) failWith(i, input, 'the proxy did not close the client connection')
      const own =
        parsed.messages.length === 1 &&
        parsed.messages[0]!.status === 502 &&
        parsed.messages[0]!.headers.includes('x-tokentap-error')
      const prefix = view.forwards.subarray(0, got.raw.length).equals(got.raw)
      if (!own && !prefix) failWith(i, input, `client got "${show(got.raw)}"`)
    }
    expect(ran).toBeGreaterThan(50)
    expect(clean).toBeGreaterThan(10)
  }, 30_000)

  test('the proxy is still up and framing after the fuzz', async () => {
    answer = () => OK
    const c = await plainClient(proxy.app.address.port)
    c.send('GET http://fuzz.test/after HTTP/1.1\r\nHost: fuzz.test\r\n\r\n')
    const got = await c.responses(1)
    c.destroy()
    expect(got.statuses).toEqual([200])
  })
})
