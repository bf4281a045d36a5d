// The messages between the supervisor (primary) and its workers over Bun's IPC channel, and the
// worker's command line. Workers are our own children, but a message is still checked for its
// shape before it is used: a wrong one is ignored, never a crash.

import type { FlushInfo } from '../sink/postgres-types.ts'

/** Worker → supervisor. */
export type FromWorker =
  /** Listening on host:port (the first worker's port fixes everyone's when PROXY_PORT=0). */
  | { t: 'ready'; host: string; port: number; caCertPath: string | null }
  /** A committed flush: relayed to the worker that runs the alerts. */
  | { t: 'flushed'; info: FlushInfo }
  /** GET /metrics reached this worker: gather every worker's text. */
  | { t: 'gather'; id: number }
  /** This worker's text, answering `render`. */
  | { t: 'metrics'; id: number; text: string }

/** Supervisor → worker. */
export type ToWorker =
  | { t: 'flushed'; info: FlushInfo }
  | { t: 'render'; id: number }
  | { t: 'gathered'; id: number; text: string }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const isInt = (v: unknown): v is number => Number.isSafeInteger(v)

function isFlushInfo(v: unknown): v is FlushInfo {
  return (
    isObject(v) && isInt(v.count) && typeof v.firstId === 'string' && typeof v.lastId === 'string'
  )
}

export function readFromWorker(m: unknown): FromWorker | null {
  if (!isObject(m)) return null
  switch (m.t) {
    case 'ready':
      return typeof m.host === 'string' &&
        isInt(m.port) &&
        (m.caCertPath === null || typeof m.caCertPath === 'string')
        ? { t: 'ready', host: m.host, port: m.port, caCertPath: m.caCertPath }
        : null
    case 'flushed':
      return isFlushInfo(m.info) ? { t: 'flushed', info: m.info } : null
    case 'gather':
      return isInt(m.id) ? { t: 'gather', id: m.id } : null
    case 'metrics':
      return isInt(m.id) && typeof m.text === 'string'
        ? { t: 'metrics', id: m.id, text: m.text }
        : null
    default:
      return null
  }
}

export function readToWorker(m: unknown): ToWorker | null {
  if (!isObject(m)) return null
  switch (m.t) {
    case 'flushed':
      return isFlushInfo(m.info) ? { t: 'flushed', info: m.info } : null
    case 'render':
      return isInt(m.id) ? { t: 'render', id: m.id } : null
    case 'gathered':
      return isInt(m.id) && typeof m.text === 'string'
        ? { t: 'gathered', id: m.id, text: m.text }
        : null
    default:
      return null
  }
}

/** Which worker this process is: `main.ts --worker <index> --of <count>`. */
export interface WorkerSlot {
  index: number
  count: number
}

export function workerArgs(slot: WorkerSlot): string[] {
  return ['--worker', String(slot.index), '--of', String(slot.count)]
}

/** null: no `--worker` (the supervisor or a single process). Throws on a malformed line. */
export function readWorkerArgs(argv: readonly string[]): WorkerSlot | null {
  const at = argv.indexOf('--worker')
  if (at === -1) return null
  const index = Number(argv[at + 1])
  const of = argv.indexOf('--of')
  const count = of === -1 ? Number.NaN : Number(argv[of + 1])
  if (!isInt(index) || !isInt(count) || index < 0 || count < 1 || index >= count) {
    throw new Error(`bad worker arguments: ${argv.join(' ')}`)
  }
  return { index, count }
}

/** The worker that runs the proxy's singletons (alerts, body retention): the first. */
export const SINGLETON_WORKER = 0
