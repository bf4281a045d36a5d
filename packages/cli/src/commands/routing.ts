// The variables for the proxy found running (or the configured one): shared by shell-init,
// env and run.

import type { Env } from '@tokentap/shared'
import { ensureBundle } from '../bundle/bundle.ts'
import { type Address, paths, proxyAddress } from '../config/paths.ts'
import { identityFrom, proxyVars, type Vars } from '../shell/vars.ts'
import { findProxy } from '../state/probe.ts'

export interface Routing {
  running: boolean
  proxy: Address
  vars: Vars
}

export interface RoutingOptions {
  project: string | null
  /** Connect timeout when no state file answers. */
  timeoutMs: number
  /** Null when no proxy runs (shell-init: nothing to print, no file to write). */
  requireRunning?: boolean
}

/** Null when our CA is missing (nothing to trust yet). */
export async function routing(env: Env, o: RoutingOptions): Promise<Routing | null> {
  const p = paths(env)
  const found = await findProxy(env, o.timeoutMs)
  if (!found && o.requireRunning) return null
  const proxy = found?.proxy ?? proxyAddress(env)
  const caCert = found?.caCert ?? p.caCert
  if (!ensureBundle({ caCert, bundle: p.bundle })) return null
  const vars = proxyVars({
    proxy,
    identity: identityFrom(env, o.project),
    caCert,
    bundle: p.bundle,
    env,
  })
  return { running: found !== null, proxy, vars }
}
