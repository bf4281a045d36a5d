// JSON-lines sink: appends one line per record to TOKENTAP_USAGE_LOG, batched per tick.

import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { UsageSink } from './sink.ts'

export function createJsonlSink(path: string, onError: (e: Error) => void): UsageSink {
  let buffer: string[] = []
  let writing: Promise<void> = mkdir(dirname(path), { recursive: true }).then(() => undefined)
  let scheduled = false

  function flush(): Promise<void> {
    scheduled = false
    if (buffer.length === 0) return writing
    const text = buffer.join('')
    const count = buffer.length
    buffer = []
    writing = writing
      .then(() => appendFile(path, text))
      .catch((e: Error) => onError(new Error(`usage log ${path}: ${e.message} (${count} lines)`)))
    return writing
  }

  return {
    write(record) {
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
