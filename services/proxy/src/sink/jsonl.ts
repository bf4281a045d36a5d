// JSON-lines sink: appends one line per record to TOKENTAP_USAGE_LOG, batched per tick.
//
// Records name users, projects, paths and costs: a new log file is created 0600 (and missing
// directories 0700). An existing file or directory keeps the mode its owner gave it (a log
// shipper's group may need it), but a log readable by group or others earns one warning.

import { appendFile, mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { UsageSink } from './sink.ts'

const FILE_MODE = 0o600

export function createJsonlSink(
  path: string,
  onError: (e: Error) => void,
  warn: (message: string) => void = () => {},
): UsageSink {
  let buffer: string[] = []
  let writing: Promise<void> = (async () => {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    const st = await stat(path).catch(() => null)
    if (st && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0')
      warn(
        `TOKENTAP_USAGE_LOG ${path} is readable beyond its owner (mode ${mode}); ` +
          'its records name users, paths and costs: chmod 600 it unless that is intended',
      )
    }
  })().catch((e: Error) => onError(new Error(`usage log ${path}: ${e.message}`)))
  let scheduled = false

  function flush(): Promise<void> {
    scheduled = false
    if (buffer.length === 0) return writing
    const text = buffer.join('')
    const count = buffer.length
    buffer = []
    writing = writing
      .then(() => appendFile(path, text, { mode: FILE_MODE }))
      .catch((e: Error) => onError(new Error(`usage log ${path}: ${e.message} (${count} lines)`)))
    return writing
  }

  return {
    // The record alone: captured bodies never reach a log file.
    write({ record }) {
      buffer.push(`${JSON.stringify(record)}\n`)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    pending: () => buffer.length,
    close: () => flush(),
  }
}
