// Directories `tokentap up` writes to (TOKENTAP_HOME and below): created when missing, or one
// line naming the directory, the error and the fix.

import { mkdirSync, statSync } from 'node:fs'
import { StartupError } from './failure.ts'

export function ensureDir(dir: string, mode = 0o700): void {
  let problem: string | null = null
  try {
    mkdirSync(dir, { recursive: true, mode })
  } catch (e) {
    problem = (e as NodeJS.ErrnoException).code ?? (e as Error).message
  }
  try {
    if (!statSync(dir).isDirectory()) problem = 'not a directory'
  } catch (e) {
    problem ??= (e as NodeJS.ErrnoException).code ?? 'missing'
  }
  if (problem !== null) {
    throw new StartupError(
      `cannot use ${dir} (${problem}); set TOKENTAP_HOME to a directory you can write to`,
    )
  }
}
