// PROXY_WORKERS: how many proxy processes share the port (default: the cores this process may
// use, at most 8; 1 = one process, as before workers existed), and how limits that are meant for
// the whole proxy split over them. Sharing a port needs SO_REUSEPORT with load balancing, which
// only Linux has (macOS and Windows ignore Bun's reusePort): elsewhere there is one process.

import { ConfigError, type Env, readInt } from '@tokentap/shared'

export const WORKERS_VARIABLE = 'PROXY_WORKERS'
/** The default never passes this: past it a proxy is bound by the upstream, not by its cores. */
export const MAX_DEFAULT_WORKERS = 8
/** An explicit value may go higher, never past this (each worker is a whole Bun process). */
export const MAX_WORKERS = 64

export function defaultWorkerCount(cores: number, platform: string = process.platform): number {
  if (platform !== 'linux') return 1
  return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, Math.floor(cores)))
}

/** `cores`: os.availableParallelism() (CPU affinity; a container's --cpus quota is not seen). */
export function readWorkerCount(
  env: Env,
  cores: number,
  platform: string = process.platform,
): number {
  const n = readInt(env, WORKERS_VARIABLE, defaultWorkerCount(cores, platform), {
    min: 1,
    max: MAX_WORKERS,
  })
  if (n > 1 && platform !== 'linux') {
    throw new ConfigError(
      WORKERS_VARIABLE,
      `workers share the port through SO_REUSEPORT, which only Linux balances; use 1 on ${platform}`,
    )
  }
  return n
}

/** A proxy-wide cap (PROXY_MAX_CONNECTIONS) as each worker enforces it: the total, rounded up. */
export function perWorkerShare(total: number, workers: number): number {
  return Math.max(1, Math.ceil(total / workers))
}
