// A worker's side of the IPC channel to the supervisor: says when it listens, forwards its
// flushes (for the alerts in the singleton worker), answers metrics requests, and asks for every
// worker's metrics when GET /metrics reaches it.

import type { ProxyApp } from '../app.ts'
import type { Logger } from '../log.ts'
import type { FlushInfo } from '../sink/postgres-types.ts'
import { type FromWorker, readToWorker, SINGLETON_WORKER, type WorkerSlot } from './protocol.ts'
import type { WorkerRole } from './role.ts'

/** How long /metrics waits for the supervisor before answering with this worker's own. */
const GATHER_TIMEOUT_MS = 5000

export interface SupervisorLink {
  role: WorkerRole
  /** The app is up: serve metrics renders and relayed flushes, report the address. */
  serve(app: ProxyApp): void
  /** The supervisor went away (the IPC channel closed): the worker must stop. */
  onGone(stop: () => void): void
}

export function linkToSupervisor(slot: WorkerSlot, log: Logger): SupervisorLink {
  const send = (m: FromWorker): void => {
    try {
      process.send?.(m)
    } catch (e) {
      log.warn(`worker ${slot.index}: supervisor unreachable: ${(e as Error).message}`)
    }
  }
  let app: ProxyApp | null = null
  let nextId = 1
  const waiting = new Map<number, (text: string) => void>()

  process.on('message', (raw: unknown) => {
    const m = readToWorker(raw)
    if (m === null) return
    if (m.t === 'render') send({ t: 'metrics', id: m.id, text: app?.metrics.render() ?? '' })
    else if (m.t === 'flushed') app?.alerts?.onFlushed(m.info)
    else waiting.get(m.id)?.(m.text)
  })

  const role: WorkerRole = {
    index: slot.index,
    count: slot.count,
    singletons: slot.index === SINGLETON_WORKER,
    forwardFlush: (info: FlushInfo) => send({ t: 'flushed', info }),
    gatherMetrics: () =>
      new Promise<string>((resolve) => {
        const id = nextId++
        const timer = setTimeout(() => {
          waiting.delete(id)
          log.warn(
            `worker ${slot.index}: /metrics: no answer from the supervisor, own figures only`,
          )
          resolve(app?.metrics.render() ?? '')
        }, GATHER_TIMEOUT_MS)
        waiting.set(id, (text) => {
          clearTimeout(timer)
          waiting.delete(id)
          resolve(text)
        })
        send({ t: 'gather', id })
      }),
  }

  return {
    role,
    serve(started) {
      app = started
      send({
        t: 'ready',
        host: started.address.host,
        port: started.address.port,
        caCertPath: started.caCertPath,
      })
    },
    onGone(stop) {
      process.on('disconnect', stop)
      // Bun does not always emit 'disconnect' when the supervisor is killed; the stdin pipe it
      // holds open (and never writes) ends then for certain.
      void (async () => {
        for await (const _ of Bun.stdin.stream()) {
          // nothing is ever sent
        }
        stop()
      })()
    },
  }
}

/** A worker's log lines carry its index. */
export function workerLogger(log: Logger, index: number): Logger {
  return {
    info: (m) => log.info(`worker ${index}: ${m}`),
    warn: (m) => log.warn(`worker ${index}: ${m}`),
    error: (m) => log.error(`worker ${index}: ${m}`),
  }
}
