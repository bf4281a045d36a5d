// Streaming scenarios: (d) 200-event SSE streams 2 ms apart at concurrency 16 — TTFB and each
// event's delay from the upstream's send stamp to its arrival here; (e) 1,000 concurrent slow
// streams — connections opened first in batches, requests then written evenly over a ramp,
// TTFB per stream from its own request write. Also the clock calibration against the upstream.

import { buildRequest } from './connect.ts'
import type { Conn, Route } from './http-client.ts'
import { closeAll, Errors, openMany, out } from './load.ts'
import { SMALL_REQUEST, SSE_END_MARK } from './payloads.ts'
import type { Scenario } from './scenarios-keepalive.ts'
import { percentile } from './stats.ts'

const STAMP = /tok@(\d+\.\d+);/

export interface StreamOut {
  ttfb: number
  events: number
  ended: boolean
  status: number
}

/** Runs one SSE request; `onEvent(delayMs)` for each stamped delta as it arrives. */
export async function runStream(
  conn: Conn,
  req: Buffer,
  clockOffsetMs: number,
  onEvent: (delayMs: number) => void,
): Promise<StreamOut> {
  let carry = ''
  let events = 0
  let ended = false
  const r = await conn.request(req, {
    onBody(piece, at) {
      carry += piece.toString('latin1')
      let i = carry.indexOf('\n\n')
      while (i >= 0) {
        const ev = carry.slice(0, i)
        carry = carry.slice(i + 2)
        const m = STAMP.exec(ev)
        if (m) {
          events++
          // arrival (generator wall clock) − send (upstream wall clock, moved to ours)
          onEvent(performance.timeOrigin + at - (Number(m[1]) - clockOffsetMs))
        } else if (ev.startsWith(SSE_END_MARK)) ended = true
        i = carry.indexOf('\n\n')
      }
    },
  })
  return { ttfb: r.tFirst - r.tStart, events, ended, status: r.status }
}

const streamReq = (n: number, ms: number): Buffer =>
  buildRequest(`/v1/messages?mock=sse&n=${n}&ms=${ms}`, SMALL_REQUEST)

export function checkStream(s: StreamOut, n: number): string | null {
  if (s.status !== 200) return `status ${s.status}`
  if (s.events !== n) return `${s.events} stamped events, want ${n}`
  if (!s.ended) return 'stream ended without message_stop'
  return null
}

export const scenarioD: Scenario = {
  id: 'd',
  title: 'SSE 200 events @2 ms, c=16',
  async run(ctx) {
    const errors = new Errors()
    const n = 200
    const conns = await openMany(ctx.route, 16)
    const ttfb: number[] = []
    const delays: number[] = []
    try {
      const warm = streamReq(20, 2)
      await Promise.all(conns.map((c) => runStream(c, warm, ctx.clockOffsetMs, () => {})))
      const req = streamReq(n, 2)
      ctx.window.start()
      const deadline = performance.now() + ctx.durationMs
      let streams = 0
      await Promise.all(
        conns.map(async (c) => {
          while (performance.now() < deadline && c.usable) {
            try {
              const s = await runStream(c, req, ctx.clockOffsetMs, (d) => delays.push(d))
              const bad = checkStream(s, n)
              if (bad) errors.add(bad)
              ttfb.push(s.ttfb)
              streams++
            } catch (e) {
              errors.add((e as Error).message)
            }
          }
        }),
      )
      ctx.window.stop()
      return out(
        {
          ttfbP50: percentile(ttfb, 50),
          ttfbP99: percentile(ttfb, 99),
          delayP50: percentile(delays, 50),
          delayP99: percentile(delays, 99),
          events: delays.length,
        },
        streams,
        errors,
      )
    } finally {
      closeAll(conns)
    }
  },
}

export const scenarioE: Scenario = {
  id: 'e',
  title: 'concurrent slow streams',
  async run(ctx) {
    const errors = new Errors()
    const { streams, rampMs, holdMs } = ctx.opts
    const eventMs = 250
    const n = Math.max(1, Math.round(holdMs / eventMs))
    const req = buildRequest(`/v1/messages?mock=slow&n=${n}&ms=${eventMs}`, SMALL_REQUEST)
    ctx.window.start()
    const t0 = performance.now()
    const conns = await openMany(ctx.route, streams, 50)
    const setupMs = performance.now() - t0
    const ttfb: number[] = []
    const late: number[] = []
    let open = 0
    let peakOpen = 0
    try {
      // Requests evenly spread over rampMs; each stream lives ~holdMs, so all are open at the end.
      const every = rampMs / streams
      const rampStart = performance.now()
      const running: Promise<void>[] = []
      for (let i = 0; i < streams; i++) {
        const wait = rampStart + i * every - performance.now()
        if (wait >= 1) await Bun.sleep(wait)
        open++
        peakOpen = Math.max(peakOpen, open)
        const crowded = open >= streams * 0.8
        running.push(
          runStream(conns[i]!, req, ctx.clockOffsetMs, () => {}).then(
            (s) => {
              open--
              const bad = checkStream(s, n)
              if (bad) errors.add(bad)
              ttfb.push(s.ttfb)
              if (crowded) late.push(s.ttfb)
            },
            (e: Error) => {
              open--
              errors.add(e.message)
            },
          ),
        )
      }
      await Promise.all(running)
      ctx.window.stop()
      return out(
        {
          ttfbP50: percentile(ttfb, 50),
          ttfbP99: percentile(ttfb, 99),
          ttfbP99Crowded: percentile(late, 99),
          ttfbMax: percentile(ttfb, 100),
          peakOpen,
          setupMs,
        },
        ttfb.length,
        errors,
      )
    } finally {
      closeAll(conns)
    }
  },
}

/** Upstream clock minus ours (ms), from the lowest-RTT of `samples` direct /clock requests. */
export async function calibrateClock(route: Route, samples = 200): Promise<number> {
  const [conn] = await openMany(route, 1)
  const req = buildRequest('/clock', Buffer.alloc(0))
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 }
  try {
    for (let i = 0; i < samples; i++) {
      const r = await conn!.request(req, { collect: true })
      const server = Number(r.body?.toString('latin1'))
      const rtt = r.tEnd - r.tStart
      if (Number.isFinite(server) && rtt < best.rtt) {
        best = { rtt, offset: server - (performance.timeOrigin + (r.tStart + r.tEnd) / 2) }
      }
    }
  } finally {
    conn?.close()
  }
  return best.offset
}
