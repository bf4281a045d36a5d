// Load-generation building blocks shared by the scenarios: the round context, the measurement
// window (the runner brackets CPU/RSS readings around it), opening many connections, and a
// closed-loop driver (each connection sends its next request as soon as the last one ends).

import { openConn } from './connect.ts'
import type { Conn, ResponseInfo, Route } from './http-client.ts'

export interface Window {
  /** Start of the measured part of a round (CPU, RSS and wall time are read here). */
  start(): void
  /** End of the measured part; returns its wall time in ms. */
  stop(): number
}

export interface RoundCtx {
  route: Route
  /** Measured duration of closed-loop scenarios, ms. */
  durationMs: number
  warmupMs: number
  /** Upstream wall clock minus the generator's, ms (for per-event delays). */
  clockOffsetMs: number
  window: Window
  opts: BenchOptions
}

export interface BenchOptions {
  quick: boolean
  rounds: number
  only: Set<string> | null
  streams: number
  /** Scenario k's idle streams (already cut to what the fd limits allow). */
  idleStreams: number
  rampMs: number
  holdMs: number
}

export interface RoundOut {
  /** Named figures of this round (ms, req/s, MiB/s, …). */
  values: Record<string, number>
  requests: number
  errors: number
  /** First few error messages. */
  errorSamples: string[]
}

export class Errors {
  count = 0
  samples: string[] = []
  add(what: string): void {
    this.count++
    if (this.samples.length < 5) this.samples.push(what)
  }
}

/** Opens `n` connections, `batch` at a time. */
export async function openMany(route: Route, n: number, batch = 50): Promise<Conn[]> {
  const conns: Conn[] = []
  for (let i = 0; i < n; i += batch) {
    const k = Math.min(batch, n - i)
    conns.push(...(await Promise.all(Array.from({ length: k }, () => openConn(route)))))
  }
  return conns
}

export const closeAll = (conns: Conn[]): void => {
  for (const c of conns) c.close()
}

export interface LoopResult {
  count: number
  latencies: number[]
  elapsedMs: number
}

/**
 * Each connection sends `req` back to back until `ms` have passed; `check` returns an error
 * message for a wrong response. A broken connection is counted and reopened.
 */
export async function closedLoop(
  route: Route,
  conns: Conn[],
  ms: number,
  req: Buffer,
  check: (r: ResponseInfo) => string | null,
  errors: Errors,
  collect: boolean,
): Promise<LoopResult> {
  const latencies: number[] = []
  const t0 = performance.now()
  const deadline = t0 + ms
  await Promise.all(
    conns.map(async (_, i) => {
      while (performance.now() < deadline) {
        try {
          const r = await conns[i]!.request(req, { collect })
          const bad = check(r)
          if (bad) errors.add(bad)
          else latencies.push(r.tEnd - r.tStart)
        } catch (e) {
          errors.add((e as Error).message)
          conns[i]!.close()
          try {
            conns[i] = await openConn(route)
          } catch (e2) {
            errors.add(`reopen: ${(e2 as Error).message}`)
            return
          }
        }
      }
    }),
  )
  return { count: latencies.length, latencies, elapsedMs: performance.now() - t0 }
}

export function out(values: Record<string, number>, requests: number, errors: Errors): RoundOut {
  return { values, requests, errors: errors.count, errorSamples: errors.samples }
}
