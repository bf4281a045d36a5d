// Is a proxy listening? The state file of a live `up` answers at once; otherwise one loopback
// TCP connect to the configured address, capped (shell-init runs at every shell start and must
// never hang).

import { connect } from 'node:net'
import type { Env } from '@tokentap/shared'
import { type Address, paths, proxyAddress } from '../config/paths.ts'
import { runningState, type UpState } from './state.ts'

export interface RunningProxy {
  proxy: Address
  caCert: string
  state: UpState | null
}

export function canConnect(a: Address, timeoutMs: number): Promise<boolean> {
  const host = a.host === '0.0.0.0' || a.host === '::' || a.host === '' ? '127.0.0.1' : a.host
  return new Promise((resolve) => {
    const socket = connect({ host, port: a.port })
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.removeAllListeners()
      socket.on('error', () => {})
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

export async function findProxy(env: Env, timeoutMs = 150): Promise<RunningProxy | null> {
  const p = paths(env)
  const state = runningState(p.stateFile)
  if (state) return { proxy: state.proxy, caCert: state.caCert, state }
  const proxy = proxyAddress(env)
  return (await canConnect(proxy, timeoutMs)) ? { proxy, caCert: p.caCert, state: null } : null
}
