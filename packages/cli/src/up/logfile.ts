// The log `tokentap up` appends to under TOKENTAP_HOME/logs (what `tokentap logs` tails), next
// to stderr; rotated once (tokentap.log.1) when it has grown past a size at start.

import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

const ROTATE_BYTES = 10 * 1024 * 1024

export interface LogFile {
  write(line: string): void
  close(): void
}

export function openLogFile(file: string, rotateBytes = ROTATE_BYTES): LogFile {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  try {
    if (statSync(file).size > rotateBytes) renameSync(file, `${file}.1`)
  } catch {}
  let fd: number | null = openSync(file, 'a', 0o600)
  return {
    write(line) {
      if (fd === null) return
      try {
        writeSync(fd, line)
      } catch {}
    },
    close() {
      if (fd !== null) closeSync(fd)
      fd = null
    },
  }
}
