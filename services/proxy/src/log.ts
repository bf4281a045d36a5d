// Logging: one line per event on stderr, secrets masked.

import { redact } from '@tokentap/shared'

export interface Logger {
  info(msg: string): void
  warn(msg: string): void
  error(msg: string): void
}

export function createLogger(
  write: (line: string) => void = (l) => process.stderr.write(l),
  now: () => Date = () => new Date(),
): Logger {
  const line = (level: string, msg: string): void =>
    write(`${now().toISOString()} ${level} ${redact(msg)}\n`)
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
