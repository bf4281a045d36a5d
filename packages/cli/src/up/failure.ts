// How a failed `tokentap up` start reads: one line naming the cause and the fix. Configuration
// errors name their variable, a busy or forbidden port becomes an error naming its variable,
// server and start-up refusals carry their own line; anything else is reported by its first
// line (its stack goes to the log file only). Pure.

import { PgServerError } from '@tokentap/pgserver'
import { ConfigError } from '@tokentap/shared'

/** A start-up refusal the user can act on; the message is the whole line (cause; fix). */
export class StartupError extends Error {
  override name = 'StartupError'
}

/** A listen failure becomes a ConfigError naming the port variable; other errors pass. */
export function listenError(e: unknown, variable: string, host: string, port: number): unknown {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'EADDRINUSE' || /in use/i.test(err.message ?? '')) {
    return new ConfigError(
      variable,
      `${host}:${port} is already in use; stop what listens there or set ${variable} to another port`,
    )
  }
  if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
    return new ConfigError(
      variable,
      `cannot listen on ${host}:${port} (${err.code}); choose another address or port`,
    )
  }
  return e
}

export interface FailureReport {
  /** The one line for stderr. */
  line: string
  /** A stack for the log file, when the error was not one of ours. */
  detail: string | null
}

export function describeStartupFailure(e: unknown, logFile: string): FailureReport {
  if (e instanceof ConfigError) return { line: `configuration error: ${e.message}`, detail: null }
  if (e instanceof StartupError || e instanceof PgServerError) {
    return { line: e.message, detail: null }
  }
  const err = e instanceof Error ? e : new Error(String(e))
  const first = (err.message || err.name).split('\n')[0]
  return {
    line: `start-up failed: ${first} (details in ${logFile})`,
    detail: err.stack ?? null,
  }
}
