// Request/response scenarios: (a) keep-alive small JSON at concurrency 1 (latency),
// (b) keep-alive small JSON at concurrency 32 (throughput), (c) a new connection — CONNECT and
// TLS handshake when proxied — per request at concurrency 8, (f) 1 MiB request + 1 MiB response.

import { buildRequest, openConn } from './connect.ts'
import type { ResponseInfo } from './http-client.ts'
import {
  closeAll,
  closedLoop,
  Errors,
  openMany,
  out,
  type RoundCtx,
  type RoundOut,
} from './load.ts'
import { BIG_REQUEST, BIG_RESPONSE, SMALL_REQUEST, SMALL_RESPONSE } from './payloads.ts'
import { percentile } from './stats.ts'

export interface Scenario {
  id: string
  title: string
  /** At most this many rounds whatever --rounds says (a scenario too long to repeat). */
  maxRounds?: number
  run(ctx: RoundCtx): Promise<RoundOut>
}

const SMALL = buildRequest('/v1/messages?mock=small', SMALL_REQUEST)
const BIG = buildRequest('/v1/messages?mock=big', BIG_REQUEST)
const MiB = 1024 * 1024

function expectBody(expected: Buffer): (r: ResponseInfo) => string | null {
  return (r) => {
    if (r.status !== 200) return `status ${r.status}`
    if (r.bodyBytes !== expected.length) return `body ${r.bodyBytes} bytes, want ${expected.length}`
    if (r.body && !r.body.equals(expected)) return 'body bytes differ from what the upstream sent'
    return null
  }
}
const smallOk = expectBody(SMALL_RESPONSE)
const bigOk = expectBody(BIG_RESPONSE)

async function keepAlive(ctx: RoundCtx, concurrency: number): Promise<RoundOut> {
  const errors = new Errors()
  const conns = await openMany(ctx.route, concurrency)
  try {
    await closedLoop(ctx.route, conns, ctx.warmupMs, SMALL, smallOk, errors, true)
    ctx.window.start()
    const r = await closedLoop(ctx.route, conns, ctx.durationMs, SMALL, smallOk, errors, true)
    const ms = ctx.window.stop()
    return out(
      {
        p50: percentile(r.latencies, 50),
        p99: percentile(r.latencies, 99),
        rps: (r.count * 1000) / ms,
      },
      r.count,
      errors,
    )
  } finally {
    closeAll(conns)
  }
}

export const scenarioA: Scenario = {
  id: 'a',
  title: 'keep-alive small JSON, c=1',
  run: (ctx) => keepAlive(ctx, 1),
}

export const scenarioB: Scenario = {
  id: 'b',
  title: 'keep-alive small JSON, c=32',
  run: (ctx) => keepAlive(ctx, 32),
}

/** Workers that open a fresh connection for every request, then close it. */
async function freshLoop(ctx: RoundCtx, ms: number, workers: number, errors: Errors) {
  const latencies: number[] = []
  const t0 = performance.now()
  const deadline = t0 + ms
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const start = performance.now()
        let conn: Awaited<ReturnType<typeof openConn>> | null = null
        try {
          conn = await openConn(ctx.route)
          const r = await conn.request(SMALL, { collect: true })
          const bad = smallOk(r)
          if (bad) errors.add(bad)
          else latencies.push(r.tEnd - start)
        } catch (e) {
          errors.add((e as Error).message)
        } finally {
          conn?.socket.end()
        }
      }
    }),
  )
  return { latencies, elapsedMs: performance.now() - t0 }
}

export const scenarioC: Scenario = {
  id: 'c',
  title: 'new CONNECT+TLS per request, c=8',
  async run(ctx) {
    const errors = new Errors()
    await freshLoop(ctx, ctx.warmupMs, 8, errors)
    ctx.window.start()
    const r = await freshLoop(ctx, ctx.durationMs, 8, errors)
    const ms = ctx.window.stop()
    return out(
      {
        rps: (r.latencies.length * 1000) / ms,
        p50: percentile(r.latencies, 50),
        p99: percentile(r.latencies, 99),
      },
      r.latencies.length,
      errors,
    )
  },
}

export const scenarioF: Scenario = {
  id: 'f',
  title: '1 MiB request + 1 MiB response, c=4',
  async run(ctx) {
    const errors = new Errors()
    const conns = await openMany(ctx.route, 4)
    try {
      await closedLoop(ctx.route, conns, ctx.warmupMs, BIG, bigOk, errors, true)
      ctx.window.start()
      const r = await closedLoop(ctx.route, conns, ctx.durationMs, BIG, bigOk, errors, true)
      const ms = ctx.window.stop()
      const bytes = r.count * (BIG.length + BIG_RESPONSE.length)
      return out(
        {
          mibps: bytes / MiB / (ms / 1000),
          p50: percentile(r.latencies, 50),
          p99: percentile(r.latencies, 99),
        },
        r.count,
        errors,
      )
    } finally {
      closeAll(conns)
    }
  },
}
