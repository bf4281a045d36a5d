// Runs scenarios in interleaved rounds (even rounds direct→proxy, odd rounds proxy→direct) and
// brackets each round's measured window with readings: generator CPU (process.cpuUsage), proxy
// and upstream CPU (/proc/<pid>/stat), proxy peak RSS (VmHWM reset per round + RSS sampling),
// and the proxy's exchange counters from its /metrics endpoint.

import type { Child } from './children.ts'
import type { Mode, Route } from './http-client.ts'
import type { BenchOptions, RoundOut, Window } from './load.ts'
import { cpuMs, machineCpuMs, peakRssKb, resetPeakRss, rssKb, sampleRss } from './procstat.ts'
import type { Scenario } from './scenarios-keepalive.ts'

export interface Measure {
  wallMs: number
  genCpuPct: number
  proxyCpuPct: number
  upstreamCpuPct: number
  /** Proxy peak RSS during the window, MB (max of VmHWM since reset and sampled VmRSS). */
  proxyPeakRssMb: number
  /** Proxy RSS when the window opened, MB. */
  proxyStartRssMb: number
  /** CPU% of everything else on the machine (busy − generator − proxy − upstream), and steal. */
  otherCpuPct: number
  stealPct: number
}

export interface RoundRecord {
  scenario: string
  mode: Mode
  round: number
  out: RoundOut
  measure: Measure | null
  /** Proxy exchange records by outcome during the run (proxy runs only). */
  proxyRecords: Record<string, number> | null
}

export interface Setup {
  upstream: Child
  proxy: Child
  routes: Record<Mode, Route>
  clockOffsetMs: number
  opts: BenchOptions
  durationMs: number
  warmupMs: number
  /** What is left of the time the bench may spend waiting for other load to go away. */
  quietBudget: { leftMs: number }
}

/** CPU% used by processes other than ours over `ms` (100 = one core). */
async function otherLoad(s: Setup, ms: number): Promise<number> {
  const ours = (): number =>
    sumOver(cpuMs, proxyPids(s.proxy)) +
    safe(cpuMs, s.upstream.pid) +
    process.cpuUsage().user / 1000 +
    process.cpuUsage().system / 1000
  const m0 = machineCpuMs().busy
  const o0 = ours()
  const t0 = performance.now()
  await Bun.sleep(ms)
  const wall = performance.now() - t0
  return (100 * (machineCpuMs().busy - m0 - (ours() - o0))) / wall
}

/**
 * Before a round: wait until other processes leave the CPUs alone — at most 5 s per round and
 * within what is left of the bench's total budget.
 */
async function waitForQuiet(s: Setup, log: (line: string) => void): Promise<void> {
  let load = await otherLoad(s, 200)
  if (load < 20 || s.quietBudget.leftMs <= 0) return
  const t0 = performance.now()
  const limit = Math.min(5000, s.quietBudget.leftMs)
  while (load >= 20 && performance.now() - t0 < limit) load = await otherLoad(s, 500)
  const waited = performance.now() - t0
  s.quietBudget.leftMs -= waited
  log(
    `    (waited ${(waited / 1000).toFixed(1)} s for other load to drop; now ${Math.max(0, load).toFixed(0)}% CPU)`,
  )
}

/** The proxy's processes: itself, and its workers when it runs with --workers=N. */
const proxyPids = (proxy: Child): number[] => [proxy.pid, ...(proxy.info.workerPids ?? [])]

/** A /proc reading summed over processes (NaN once one is gone). */
const sumOver = (read: (pid: number) => number, pids: readonly number[]): number =>
  pids.reduce((sum, pid) => sum + safe(read, pid), 0)

/** A /proc reading that yields NaN once the process is gone (the exit is reported later). */
function safe(read: (pid: number) => number, pid: number): number {
  try {
    return read(pid)
  } catch {
    return Number.NaN
  }
}

function makeWindow(proxyPids: readonly number[], upstreamPid: number) {
  let begin: {
    t: number
    gen: NodeJS.CpuUsage
    proxy: number
    up: number
    sampler: { stop(): number }
    rssKb: number
    machine: { busy: number; steal: number }
  } | null = null
  let result: Measure | null = null
  const window: Window = {
    start() {
      for (const pid of proxyPids) resetPeakRss(pid)
      begin = {
        t: performance.now(),
        gen: process.cpuUsage(),
        proxy: sumOver(cpuMs, proxyPids),
        up: safe(cpuMs, upstreamPid),
        sampler: sampleRss(proxyPids),
        rssKb: sumOver(rssKb, proxyPids),
        machine: machineCpuMs(),
      }
    },
    stop() {
      if (!begin) return Number.NaN
      const wallMs = performance.now() - begin.t
      const gen = process.cpuUsage(begin.gen)
      const sampledKb = begin.sampler.stop()
      const pct = (ms: number): number => (100 * ms) / wallMs
      const genMs = (gen.user + gen.system) / 1000
      const proxyMs = sumOver(cpuMs, proxyPids) - begin.proxy
      const upMs = safe(cpuMs, upstreamPid) - begin.up
      const machine = machineCpuMs()
      result = {
        wallMs,
        genCpuPct: pct(genMs),
        proxyCpuPct: pct(proxyMs),
        upstreamCpuPct: pct(upMs),
        otherCpuPct: Math.max(0, pct(machine.busy - begin.machine.busy - genMs - proxyMs - upMs)),
        stealPct: pct(machine.steal - begin.machine.steal),
        // With workers: the sum of each process's peak (an upper bound) or the largest sampled sum.
        proxyPeakRssMb: Math.max(sumOver(peakRssKb, proxyPids), sampledKb) / 1024,
        proxyStartRssMb: begin.rssKb / 1024,
      }
      begin = null
      return wallMs
    },
  }
  return { window, result: () => result }
}

/** Exchange counters from the proxy's /metrics, keyed by outcome. */
async function proxyExchanges(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  const counts: Record<string, number> = {}
  for (const m of text.matchAll(/^tokentap_exchanges_total\{[^}]*outcome="([^"]+)"\} (\d+)/gm)) {
    counts[m[1]!] = (counts[m[1]!] ?? 0) + Number(m[2])
  }
  const errors = /^tokentap_upstream_errors_total (\d+)/m.exec(text)
  counts.upstream_errors = Number(errors?.[1] ?? 0)
  // Upstream connections opened (prewarms included): handshakes per exchange in a storm.
  const connects = /^tokentap_upstream_connects (\d+)/m.exec(text)
  counts.upstream_connects = Number(connects?.[1] ?? 0)
  return counts
}

const diff = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const d: Record<string, number> = {}
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const v = (b[k] ?? 0) - (a[k] ?? 0)
    if (v !== 0) d[k] = v
  }
  return d
}

function assertAlive(s: Setup): void {
  for (const c of [s.proxy, s.upstream]) {
    const code = c.exitCode()
    if (code !== null) {
      const err = c.stderr()
      throw new Error(
        `${c.name} exited with code ${code}; stderr:\n${err.lines.slice(-20).join('\n')}`,
      )
    }
  }
}

export async function runScenario(
  s: Setup,
  scenario: Scenario,
  rounds: number,
  log: (line: string) => void,
  /** Rounds are appended as they finish, so an abort keeps what was measured. */
  records: RoundRecord[],
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const order: Mode[] = round % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct']
    for (const mode of order) {
      await waitForQuiet(s, log)
      const w = makeWindow(proxyPids(s.proxy), s.upstream.pid)
      const before =
        mode === 'proxy' ? await proxyExchanges(s.proxy.info.port).catch(() => null) : null
      const t0 = performance.now()
      let roundOut: RoundOut
      try {
        roundOut = await scenario.run({
          route: s.routes[mode],
          durationMs: s.durationMs,
          warmupMs: s.warmupMs,
          clockOffsetMs: s.clockOffsetMs,
          window: w.window,
          opts: s.opts,
        })
      } catch (e) {
        w.window.stop()
        roundOut = { values: {}, requests: 0, errors: 1, errorSamples: [(e as Error).message] }
      }
      await Bun.sleep(150) // let closes and records settle before reading counters
      const after = before ? await proxyExchanges(s.proxy.info.port).catch(() => null) : null
      const rec: RoundRecord = {
        scenario: scenario.id,
        mode,
        round,
        out: roundOut,
        measure: w.result(),
        proxyRecords: before && after ? diff(before, after) : null,
      }
      records.push(rec)
      const vals = Object.entries(roundOut.values)
        .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
        .join(' ')
      const m = rec.measure
      log(
        `  ${scenario.id} r${round + 1} ${mode.padEnd(6)} ${vals} n=${roundOut.requests}` +
          (roundOut.errors ? ` errors=${roundOut.errors}` : '') +
          (m
            ? ` gen=${m.genCpuPct.toFixed(0)}% up=${m.upstreamCpuPct.toFixed(0)}%` +
              ` other=${m.otherCpuPct.toFixed(0)}%` +
              (mode === 'proxy'
                ? ` proxy=${m.proxyCpuPct.toFixed(0)}%` +
                  ` rss=${m.proxyStartRssMb.toFixed(0)}→${m.proxyPeakRssMb.toFixed(0)}MB`
                : '')
            : '') +
          ` (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      )
      for (const e of roundOut.errorSamples) log(`      error: ${e}`)
      assertAlive(s)
    }
  }
}
