// The primary process when PROXY_WORKERS > 1: starts the workers (Bun.spawn of main.ts with
// `--worker i --of n` and an IPC channel), restarts one that dies, relays flushes to the worker
// that runs the alerts, answers /metrics requests with every worker's figures summed, and on
// stop sends SIGTERM to all and waits until each has drained. It serves no traffic itself.
//
// The first worker starts alone: it creates the CA when there is none (no two processes race to
// write it) and, with PROXY_PORT=0, picks the port the others then share with SO_REUSEPORT.

import type { Subprocess } from 'bun'
import type { Logger } from '../log.ts'
import { sumMetrics, workerLines } from './metrics-sum.ts'
import {
  type FromWorker,
  readFromWorker,
  SINGLETON_WORKER,
  type ToWorker,
  workerArgs,
} from './protocol.ts'
import { restartDelay } from './restart.ts'

const MAIN = new URL('../main.ts', import.meta.url).pathname
/** How long a metrics gather waits for a worker that does not answer (it is left out). */
const RENDER_TIMEOUT_MS = 2000

export interface SupervisorOptions {
  workers: number
  /** PROXY_PORT as configured (0: the first worker picks one). */
  port: number
  /** The workers' environment (PROXY_PORT is set per start). */
  env: Record<string, string | undefined>
  log: Logger
  /** The command that starts a worker (default: this Bun running main.ts). */
  command?: (args: string[]) => string[]
}

export interface Supervisor {
  address: { host: string; port: number }
  caCertPath: string | null
  /** The live workers' process ids (the bench reads their CPU time). */
  pids(): number[]
  /** Every answering worker's metrics, summed, with the supervisor's own lines. */
  metrics(): Promise<string>
  /** SIGTERM to every worker, then wait for each to drain; resolves 0, or 1 if one failed. */
  stop(): Promise<number>
}

interface Slot {
  index: number
  proc: Subprocess<'pipe', 'inherit', 'inherit'> | null
  ready: boolean
  deaths: number[]
  restart: ReturnType<typeof setTimeout> | null
  /** Settles when this start listens (ready) or dies before it does. */
  started: Promise<FromWorker & { t: 'ready' }>
  onReady: (m: FromWorker & { t: 'ready' }) => void
  onEarlyExit: (e: Error) => void
  lastExit: number
}

interface Gather {
  done: (text: string) => void
  texts: Map<number, string>
  waiting: Set<number>
  timer: ReturnType<typeof setTimeout>
}

export async function startSupervisor(o: SupervisorOptions): Promise<Supervisor> {
  const { log } = o
  const command = o.command ?? ((args) => [process.execPath, MAIN, ...args])
  let port = o.port
  let stopping = false
  /** Every worker listened once: from now on a dead one is restarted. */
  let running = false
  let restarts = 0
  const gathers = new Map<number, Gather>()
  let nextGather = 1

  const slots: Slot[] = Array.from({ length: o.workers }, (_, index) => freshSlot(index))
  function freshSlot(index: number, deaths: number[] = []): Slot {
    const slot = { index, proc: null, ready: false, deaths, restart: null, lastExit: 0 } as Slot
    slot.started = new Promise((resolve, reject) => {
      slot.onReady = resolve
      slot.onEarlyExit = reject
    })
    // A start nobody awaits (a restart) must not surface as an unhandled rejection.
    slot.started.catch(() => {})
    return slot
  }

  const sendTo = (index: number, m: ToWorker): void => {
    const slot = slots[index]
    if (!slot?.proc || !slot.ready) return
    try {
      slot.proc.send(m)
    } catch {
      // It is exiting: its exit handler takes over.
    }
  }

  function finishGather(id: number): void {
    const g = gathers.get(id)
    if (!g) return
    gathers.delete(id)
    clearTimeout(g.timer)
    const figures = workerLines({ workers: g.texts.size, restarts, texts: g.texts })
    const text = sumMetrics([
      ...[...g.texts.entries()].sort(([a], [b]) => a - b).map(([, t]) => t),
      figures,
    ])
    g.done(text)
  }

  function gather(done: (text: string) => void): void {
    const id = nextGather++
    const live = slots.filter((s) => s.ready && s.proc).map((s) => s.index)
    gathers.set(id, {
      done,
      texts: new Map(),
      waiting: new Set(live),
      timer: setTimeout(() => finishGather(id), RENDER_TIMEOUT_MS),
    })
    if (live.length === 0) finishGather(id)
    for (const i of live) sendTo(i, { t: 'render', id })
  }

  function onMessage(index: number, raw: unknown): void {
    const m = readFromWorker(raw)
    if (m === null) return
    const slot = slots[index]
    if (!slot) return
    if (m.t === 'ready') {
      slot.ready = true
      slot.onReady(m)
    } else if (m.t === 'flushed') {
      if (index !== SINGLETON_WORKER) sendTo(SINGLETON_WORKER, m)
    } else if (m.t === 'gather') {
      gather((text) => sendTo(index, { t: 'gathered', id: m.id, text }))
    } else {
      const g = gathers.get(m.id)
      if (!g) return
      g.texts.set(index, m.text)
      g.waiting.delete(index)
      if (g.waiting.size === 0) finishGather(m.id)
    }
  }

  function onExit(slot: Slot, code: number | null, signal: string | null): void {
    const how = signal ? `signal ${signal}` : `code ${code}`
    const wasReady = slot.ready
    slot.ready = false
    slot.lastExit = code ?? 1
    for (const [id, g] of gathers) {
      if (g.waiting.delete(slot.index) && g.waiting.size === 0) finishGather(id)
    }
    if (stopping) return
    if (!wasReady)
      slot.onEarlyExit(new Error(`worker ${slot.index} exited (${how}) before it listened`))
    // A worker that cannot start at all fails the start-up rather than being retried forever.
    if (!running) return
    const now = Date.now()
    const delay = restartDelay(slot.deaths, now)
    slot.deaths = [...slot.deaths.filter((t) => now - t < 60_000), now]
    log.error(
      `worker ${slot.index} (pid ${slot.proc?.pid}) exited (${how}); restarting in ${delay} ms`,
    )
    slot.proc = null
    slot.restart = setTimeout(() => {
      slot.restart = null
      if (stopping) return
      restarts++
      const next = freshSlot(slot.index, slot.deaths)
      slots[slot.index] = next
      spawn(next)
    }, delay)
  }

  function spawn(slot: Slot): void {
    slot.proc = Bun.spawn({
      cmd: command(workerArgs({ index: slot.index, count: o.workers })),
      env: { ...o.env, PROXY_PORT: String(port) },
      // stdin: a pipe never written; its end tells the worker the supervisor is gone.
      stdio: ['pipe', 'inherit', 'inherit'],
      ipc: (message) => onMessage(slot.index, message),
      onExit: (_proc, code, signal) => onExit(slot, code, signal === null ? null : String(signal)),
    })
  }

  async function stopAll(): Promise<number> {
    stopping = true
    const exits: Promise<number>[] = []
    for (const slot of slots) {
      if (slot.restart) clearTimeout(slot.restart)
      const proc = slot.proc
      if (!proc) continue
      proc.kill('SIGTERM')
      exits.push(proc.exited)
    }
    const codes = await Promise.all(exits)
    return codes.every((c) => c === 0) ? 0 : 1
  }

  const first = slots[0] as Slot
  let ready: FromWorker & { t: 'ready' }
  try {
    spawn(first)
    ready = await first.started
    port = ready.port
    for (const slot of slots.slice(1)) spawn(slot)
    await Promise.all(slots.slice(1).map((s) => s.started))
    running = true
  } catch (e) {
    await stopAll()
    throw e
  }
  return {
    address: { host: ready.host, port: ready.port },
    caCertPath: ready.caCertPath,
    pids: () => slots.flatMap((s) => (s.proc ? [s.proc.pid] : [])),
    metrics: () => new Promise((resolve) => gather(resolve)),
    stop: stopAll,
  }
}
