// Atomic file replacement that keeps the file's mode and writes through symlinks (dotfiles
// managers link rc files), or removes the file.

import {
  chmodSync,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname } from 'node:path'

/** `mode` applies to a new file; an existing file keeps its own. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const target = existsSync(file) ? realpathSync(file) : file
  const keep = existsSync(target) ? statSync(target).mode & 0o7777 : mode
  mkdirSync(dirname(target), { recursive: true })
  const tmp = `${target}.tokentap-${process.pid}.tmp`
  writeFileSync(tmp, content, { mode: keep })
  chmodSync(tmp, keep)
  renameSync(tmp, target)
}

export function removeFile(file: string): void {
  rmSync(existsSync(file) ? realpathSync(file) : file, { force: true })
}
