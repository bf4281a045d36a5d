// Live reload of a config file: fs.watch on its directory (editors replace files by rename,
// which a watch on the file itself misses), debounced. A load that throws goes to onError and
// the caller keeps its last good value (onChange is simply not called); an unchanged result
// (compared as JSON) is not reported again.

import { watch } from 'node:fs'
import { basename, dirname } from 'node:path'

export const RELOAD_DEBOUNCE_MS = 100

export function watchConfigFile<T>(
  path: string,
  load: (path: string) => T,
  onChange: (value: T) => void,
  onError: (error: unknown) => void,
): () => void {
  const name = basename(path)
  let last: string | null = null
  try {
    last = JSON.stringify(load(path))
  } catch {
    // The caller loads (and reports) the initial value itself.
  }
  let timer: ReturnType<typeof setTimeout> | null = null
  let closed = false

  const reload = (): void => {
    timer = null
    if (closed) return
    let value: T
    try {
      value = load(path)
    } catch (error) {
      onError(error)
      return
    }
    const text = JSON.stringify(value)
    if (text === last) return
    last = text
    onChange(value)
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
