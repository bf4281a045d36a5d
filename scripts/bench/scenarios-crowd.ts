// Crowd scenarios: (j) a connection storm — `--streams` streams (default 1,000) each opened
// (CONNECT + TLS when proxied) and sent at once, all started evenly within 2 s, 1 event/s for
// 20 s; TTFB from the request write and from the start of the open. (k) `--idle-streams`
// (default 10,000) concurrent idle streams: connections opened 100 at a time, requests then
// written over the ramp, each stream silent after its first event until every stream has been
// open for the hold; how many were held to their end, errors, the proxy's peak RSS. Each process
// needs a descriptor per stream (the proxy two): k runs as many as the fd limits allow and says so.

import { buildRequest, openConn } from './connect.ts'
import type { Conn } from './http-client.ts'
import { closeAll, Errors, openMany, out } from './load.ts'
import { SMALL_REQUEST } from './payloads.ts'
import type { Scenario } from './scenarios-keepalive.ts'
import { checkStream, runStream } from './scenarios-stream.ts'
import { percentile } from './stats.ts'

const STORM_OPEN_MS = 2000
const STORM_EVENTS = 20
const STORM_EVENT_MS = 1000

export const scenarioJ: Scenario = {
  id: 'j',
  title: `streams opened within 2 s (storm), 1 event/s for ${STORM_EVENTS} s`,
  async run(ctx) {
    const errors = new Errors()
    const n = ctx.opts.streams
    const req = buildRequest(
      `/v1/messages?mock=slow&n=${STORM_EVENTS}&ms=${STORM_EVENT_MS}`,
      SMALL_REQUEST,
    )
    const ttfb: number[] = []
    const openTtfb: number[] = []
    const conns: Conn[] = []
    const every = STORM_OPEN_MS / n
    ctx.window.start()
    const t0 = performance.now()
    const running: Promise<void>[] = []
    for (let i = 0; i < n; i++) {
      const wait = t0 + i * every - performance.now()
      if (wait >= 1) await Bun.sleep(wait)
      const start = performance.now()
      running.push(
        (async () => {
          const conn = await openConn(ctx.route, 30_000)
          conns.push(conn)
          const opened = performance.now()
          const s = await runStream(conn, req, ctx.clockOffsetMs, () => {})
          const bad = checkStream(s, STORM_EVENTS)
          if (bad) errors.add(bad)
          ttfb.push(s.ttfb)
          // open start → first response byte: CONNECT, the handshakes, the request (written
          // as soon as the connection opened)
          openTtfb.push(opened - start + s.ttfb)
        })().catch((e: Error) => errors.add(e.message)),
      )
    }
    const startedMs = performance.now() - t0
    try {
      await Promise.all(running)
      ctx.window.stop()
      return out(
        {
          ttfbP50: percentile(ttfb, 50),
          ttfbP99: percentile(ttfb, 99),
          openTtfbP50: percentile(openTtfb, 50),
          openTtfbP99: percentile(openTtfb, 99),
          startedMs,
        },
        ttfb.length,
        errors,
      )
    } finally {
      closeAll(conns)
    }
  },
}

/** How many idle streams k runs: the asked number, or what every process's fd limit allows. */
export function idleStreamCount(
  asked: number,
  limits: { generator: number | null; proxy: number | null; upstream: number | null },
): number {
  const room = (limit: number | null, perStream: number): number =>
    limit === null ? asked : Math.floor((limit - 300) / perStream)
  return Math.max(
    1,
    Math.min(asked, room(limits.generator, 1), room(limits.proxy, 2), room(limits.upstream, 1)),
  )
}

export const scenarioK: Scenario = {
  id: 'k',
  title: 'concurrent idle streams',
  maxRounds: 1,
  async run(ctx) {
    const errors = new Errors()
    const n = ctx.opts.idleStreams
    const { rampMs, holdMs } = ctx.opts
    // One event at once, then silence: the last event comes after every stream was open holdMs.
    const req = buildRequest(`/v1/messages?mock=slow&n=1&ms=${rampMs + holdMs}`, SMALL_REQUEST)
    ctx.window.start()
    const t0 = performance.now()
    const conns = await openMany(ctx.route, n, 100)
    const setupMs = performance.now() - t0
    const ttfb: number[] = []
    let open = 0
    let peakOpen = 0
    let held = 0
    try {
      const every = rampMs / n
      const rampStart = performance.now()
      const running: Promise<void>[] = []
      for (let i = 0; i < n; i++) {
        const wait = rampStart + i * every - performance.now()
        if (wait >= 1) await Bun.sleep(wait)
        open++
        peakOpen = Math.max(peakOpen, open)
        running.push(
          runStream(conns[i]!, req, ctx.clockOffsetMs, () => {}).then(
            (s) => {
              open--
              const bad = checkStream(s, 1)
              if (bad) errors.add(bad)
              else held++
              ttfb.push(s.ttfb)
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
          streams: n,
          held,
          peakOpen,
          ttfbP50: percentile(ttfb, 50),
          ttfbP99: percentile(ttfb, 99),
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
