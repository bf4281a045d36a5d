// Bench mock upstream, run as its own process so its CPU is measured apart from the proxy's:
// Bun.serve over TLS on 127.0.0.1 with an api.anthropic.com leaf from the test CA. Prints one
// JSON line `{ port, pid, caPath }` on stdout, then serves until stdin closes (parent gone).
//
// Routes (POST /v1/messages?mock=… keeps the proxy's Anthropic parser on its real path):
//   mock=small (default)     ~600-byte Messages JSON with usage
//   mock=big                 1 MB request body read and checked, 1 MB Messages JSON back
//   mock=sse&n=200&ms=2      SSE: open events, n stamped deltas `ms` apart, close events
//   mock=slow&n=5&ms=400     same shape, meant for long-lived concurrent streams
//   /sse, /slow              aliases of mock=sse / mock=slow;  GET /clock → wall clock (ms)

import { testUpstreamCa } from '@tokentap/proxy/testing'
import {
  BIG_REQUEST,
  BIG_RESPONSE,
  HOST,
  SMALL_RESPONSE,
  SSE_OPEN,
  sseClose,
  sseDelta,
  wallMs,
} from './payloads.ts'

const JSON_HEADERS = { 'content-type': 'application/json', 'request-id': 'req_bench' }
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
}

function stream(n: number, ms: number, signal: AbortSignal): Response {
  const body = new ReadableStream({
    type: 'direct',
    async pull(controller) {
      try {
        controller.write(SSE_OPEN)
        await controller.flush()
        for (let i = 0; i < n && !signal.aborted; i++) {
          await Bun.sleep(ms)
          controller.write(sseDelta(wallMs()))
          await controller.flush()
        }
        controller.write(sseClose(n))
        await controller.flush()
      } catch {
        // client went away mid-stream
      }
      controller.close()
    },
  })
  return new Response(body, { headers: SSE_HEADERS })
}

const int = (v: string | null, dflt: number, max: number): number => {
  const n = v === null ? dflt : Number(v)
  return Number.isFinite(n) && n >= 0 ? Math.min(Math.floor(n), max) : dflt
}

async function main(): Promise<void> {
  const ca = await testUpstreamCa()
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    tls: { serverName: HOST, ...ca.certFor(HOST) },
    async fetch(req) {
      const url = new URL(req.url)
      const q = url.searchParams
      if (url.pathname === '/clock') return new Response(wallMs().toFixed(4))
      const body = req.method === 'POST' ? await req.arrayBuffer() : null
      const mock =
        url.pathname === '/sse' ? 'sse' : url.pathname === '/slow' ? 'slow' : q.get('mock')
      switch (mock) {
        case 'big':
          if (body?.byteLength !== BIG_REQUEST.length) {
            return new Response(`expected ${BIG_REQUEST.length} bytes, got ${body?.byteLength}`, {
              status: 400,
            })
          }
          return new Response(BIG_RESPONSE, { headers: JSON_HEADERS })
        case 'sse':
          return stream(int(q.get('n'), 200, 100_000), int(q.get('ms'), 2, 60_000), req.signal)
        case 'slow':
          return stream(int(q.get('n'), 5, 100_000), int(q.get('ms'), 400, 600_000), req.signal)
        default:
          return new Response(SMALL_RESPONSE, { headers: JSON_HEADERS })
      }
    },
  })
  process.stdout.write(
    `${JSON.stringify({ port: server.port, pid: process.pid, caPath: ca.certPath })}\n`,
  )
  // The parent holds our stdin open; EOF means it is gone (even after SIGKILL): stop.
  for await (const _ of Bun.stdin.stream()) {
    // ignore input
  }
  await server.stop(true)
  process.exit(0)
}

process.on('SIGTERM', () => process.exit(0))
main().catch((e: Error) => {
  process.stderr.write(`bench upstream: ${e.stack ?? e.message}\n`)
  process.exit(1)
})
