// The state file `tokentap up` keeps under TOKENTAP_HOME while it runs (pid, addresses, files),
// so other commands find the running instance without guessing; removed on exit.

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import type { Address } from '../config/paths.ts'

export interface UpState {
  pid: number
  startedAt: string
  proxy: Address
  dashboard: Address
  caCert: string
  logFile: string
  /** Embedded Postgres data dir; null when DATABASE_URL named a server. */
  embeddedDataDir: string | null
}

export function readState(file: string): UpState | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const s = JSON.parse(text) as Partial<UpState>
    if (typeof s.pid !== 'number' || !s.proxy || !s.dashboard || typeof s.caCert !== 'string') {
      return null
    }
    return s as UpState
  } catch {
    return null
  }
}

export function writeState(file: string, state: UpState): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, file)
}

/** Removes the file only if it still names `pid` (a newer `up` may have replaced it). */
export function removeState(file: string, pid: number): void {
  if (readState(file)?.pid === pid) rmSync(file, { force: true })
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The state of a running `up`, or null (no file, or its process is gone). */
export function runningState(file: string): UpState | null {
  const s = readState(file)
  return s && pidAlive(s.pid) ? s : null
}
