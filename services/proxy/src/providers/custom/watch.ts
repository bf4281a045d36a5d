// Live reload of the TOKENTAP_PROVIDERS file: fs.watch on its directory (editors replace files by
// rename, which a watch on the file itself misses), debounced; a bad edit is reported through
// onError and the last good config stays in force (onChange is simply not called).

import { watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import { loadProvidersConfig, type ProvidersConfig } from './config.ts'

export const RELOAD_DEBOUNCE_MS = 100

export function watchProvidersConfig(
  path: string,
  onChange: (config: ProvidersConfig) => void,
  onError: (error: unknown) => void,
): () => void {
  const name = basename(path)
  let last: string | null = null // the last good config, serialised, to skip no-op reloads
  try {
    last = JSON.stringify(loadProvidersConfig(path))
  } catch {
    // The caller loads (and reports) the initial config itself.
  }
  let timer: ReturnType<typeof setTimeout> | null = null
  let closed = false

  const reload = (): void => {
    timer = null
    if (closed) return
    let config: ProvidersConfig
    try {
      config = loadProvidersConfig(path)
    } catch (error) {
      onError(error)
      return
    }
    const text = JSON.stringify(config)
    if (text === last) return
    last = text
    onChange(config)
  }

  const watcher = watch(dirname(path), (_event, file) => {
    if (file !== null && file !== name) return
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(reload, RELOAD_DEBOUNCE_MS)
  })
  watcher.on('error', onError)

  return () => {
    closed = true
    if (timer !== null) clearTimeout(timer)
    watcher.close()
  }
}
