// Live reload of the TOKENTAP_BUDGETS file: fs.watch on its directory (editors replace files by
// rename, which a watch on the file itself misses), debounced. A broken edit is reported through
// onError and the last good config stays in force (onChange is not called).

import { watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import { loadBudgetsFile } from './config.ts'
import type { BudgetsConfig } from './types.ts'

export const BUDGETS_RELOAD_DEBOUNCE_MS = 100

export function watchBudgetsFile(
  path: string,
  onChange: (cfg: BudgetsConfig) => void,
  onError: (e: Error) => void,
): () => void {
  const name = basename(path)
  let last: string | null = null // the last good config, serialised, to skip no-op reloads
  try {
    last = JSON.stringify(loadBudgetsFile(path))
  } catch {
    // The caller loads (and reports) the initial config itself.
  }
  let timer: ReturnType<typeof setTimeout> | null = null
  let closed = false
  const reload = (): void => {
    timer = null
    if (closed) return
    let cfg: BudgetsConfig
    try {
      cfg = loadBudgetsFile(path)
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)))
      return
    }
    const text = JSON.stringify(cfg)
    if (text === last) return
    last = text
    onChange(cfg)
  }
  const watcher = watch(dirname(path), (_event, file) => {
    if (file !== null && file !== name) return
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(reload, BUDGETS_RELOAD_DEBOUNCE_MS)
  })
  watcher.on('error', (e) => onError(e instanceof Error ? e : new Error(String(e))))
  return () => {
    closed = true
    if (timer !== null) clearTimeout(timer)
    watcher.close()
  }
}
