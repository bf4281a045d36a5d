// One spool directory per worker (the spool has one writer per directory): `spool/` for the first
// worker (and a single process, as before), `spool-<i>/` for worker i. When PROXY_WORKERS shrinks,
// the spools of workers that no longer run are adopted by the first worker at its start: their
// segments move into `spool/` and are replayed there (replay is idempotent by record id).

import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs'
import { join } from 'node:path'

export function spoolDirFor(home: string, index: number): string {
  return join(home, index === 0 ? 'spool' : `spool-${index}`)
}

/** Of the names in TOKENTAP_HOME, the spool directories of workers at or past `workers`. */
export function orphanSpools(names: readonly string[], workers: number): string[] {
  return names.filter((n) => {
    const m = /^spool-([1-9]\d{0,2})$/.exec(n)
    return m !== null && Number(m[1]) >= workers
  })
}

/** Spool files worth moving: segments and set-aside lines (spool.ts names them). */
const SPOOL_FILE = /^(spool|corrupt)-[0-9a-f-]+\.jsonl$/

/** Moves orphaned spools' files into the first worker's spool; returns how many moved. Runs
 *  before the first worker's sink opens, so its spool finds them as an earlier run's segments. */
export function adoptOrphanSpools(home: string, workers: number): number {
  let names: string[]
  try {
    names = readdirSync(home)
  } catch {
    return 0
  }
  const into = spoolDirFor(home, 0)
  let moved = 0
  for (const dir of orphanSpools(names, workers)) {
    const from = join(home, dir)
    const files = readdirSync(from).filter((f) => SPOOL_FILE.test(f))
    if (files.length > 0) mkdirSync(into, { recursive: true, mode: 0o700 })
    for (const f of files) {
      // Never over another file (a set-aside file of the same millisecond): it stays behind.
      if (existsSync(join(into, f))) continue
      renameSync(join(from, f), join(into, f))
      moved++
    }
    try {
      rmdirSync(from)
    } catch {
      // Something else lives there (or a file stayed behind): leave the directory.
    }
  }
  return moved
}
