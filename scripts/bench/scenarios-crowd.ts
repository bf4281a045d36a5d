// Crowd scenarios: (j) a connection storm — `--streams` streams (default 1,000) each opened
// (CONNECT + TLS when proxied) and sent at once, all started evenly within 2 s, 1 event/s for
// 20 s; TTFB from the request write and from the start of the open. (k) `--idle-streams`
// (default 10,000) concurrent idle streams: opened 100 at a time, each request written as its
// connection opens, one event and then silence; once all are open they are held for --hold-ms
// and counted (still open, no error), then closed by the bench (each an `aborted` record). The
// proxy's peak RSS covers the whole. Each process needs a descriptor per stream (the proxy
// two): k runs as many as the fd limits allow and says so.

import { buildRequest, openConn } from './connect.ts'
import type { Conn } from './http-client.ts'
import { closeAll, Errors, out } from './load.ts'
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
    // One event at once, then silence for longer than the scenario lasts: the bench closes them.
    const req = buildRequest('/v1/messages?mock=slow&n=1&ms=600000', SMALL_REQUEST)
    const conns: Conn[] = []
    const ttfb: number[] = []
    let closing = false
    let endedEarly = 0
    /** Opens one stream and resolves at its first response byte. */
    const one = async (): Promise<void> => {
      const conn = await openConn(ctx.route, 60_000)
      conns.push(conn)
      const t0 = performance.now()
      await new Promise<void>((resolve, reject) => {
        let first = true
        conn
          .request(req, {
            open: true,
            onBody() {
              if (!first) return
              first = false
              ttfb.push(performance.now() - t0)
              resolve()
            },
          })
          .then(
            () => {
              if (!closing) endedEarly++
              resolve()
            },
            (e: Error) => {
              if (!closing) errors.add(e.message)
              reject(e)
            },
          )
      })
    }
    ctx.window.start()
    const t0 = performance.now()
    try {
      for (let i = 0; i < n; i += 100) {
        const batch = Array.from({ length: Math.min(100, n - i) }, () =>
          one().catch((e: Error) => {
            if (!errors.samples.includes(e.message)) errors.add(e.message)
          }),
        )
        await Promise.all(batch)
      }
      const setupMs = performance.now() - t0
      await Bun.sleep(ctx.opts.holdMs)
      const held = conns.filter((c) => c.usable).length - endedEarly
      ctx.window.stop()
      closing = true
      return out(
        {
          streams: n,
          held,
          ttfbP50: percentile(ttfb, 50),
          ttfbP99: percentile(ttfb, 99),
          setupMs,
        },
        ttfb.length,
        errors,
      )
    } finally {
      closing = true
      closeAll(conns)
    }
  },
}
