// Turns what initdb or the postmaster printed before failing into one line: the cause (the last
// FATAL/PANIC/error line) and, for the causes we know, what to do about it. Pure.

/** The reason a server failure is reported to the user; message = cause and fix, one line. */
export class PgServerError extends Error {
  override name = 'PgServerError'
}

const MESSAGE = /\b(?:LOG|FATAL|PANIC|ERROR):\s+(.*)$/

/** The last line that says why initdb or the server stopped, without its log prefix. A bad
 *  configuration file is named with the line that says what is wrong in it. */
export function failureLine(output: string): string | null {
  const lines = output.split('\n').map((l) => l.trim())
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? ''
    const m = /\b(?:FATAL|PANIC|ERROR):\s+(.*)$/.exec(line) ?? /^\S+:\s+error:\s+(.*)$/.exec(line)
    if (!m?.[1]) continue
    if (!/contains errors/.test(m[1])) return m[1]
    const detail = lines
      .slice(0, i)
      .reverse()
      .map((l) => MESSAGE.exec(l)?.[1])
      .find((d) => d?.includes(' in file "'))
    return detail ? `${m[1]}: ${detail}` : m[1]
  }
  return null
}

/** What to do about a failure line, for the causes a user can act on. */
export function hintFor(line: string, dataDir: string): string {
  if (/lock file .*already exists/i.test(line)) {
    return `another Postgres runs on ${dataDir}: stop it, or remove ${dataDir}/postmaster.pid if none does`
  }
  if (/could not bind|address already in use/i.test(line)) {
    return 'the port was taken meanwhile; start again (a free port is chosen each time)'
  }
  if (/incompatible with server/i.test(line)) {
    return `the data dir is from another Postgres version: move ${dataDir} away to start empty`
  }
  if (/contains errors/.test(line)) return 'correct or remove that setting and start again'
  if (/permission denied/i.test(line)) {
    return `the server's OS user cannot reach ${dataDir} or its binaries: fix their permissions, or set DATABASE_URL`
  }
  if (/no space left|could not (?:create|resize) shared memory/i.test(line)) {
    return 'free disk space or shared memory and start again'
  }
  return 'see the log, or set DATABASE_URL to use another Postgres'
}

/** "<what>: <cause>; <fix> (log …)" from the output of a failed initdb or server start. */
export function describeFailure(
  what: string,
  output: string,
  dataDir: string,
  log?: string,
): string {
  const cause = failureLine(output) ?? 'no error message'
  const where = log ? ` (log ${log})` : ''
  return `${what}: ${cause}; ${hintFor(cause, dataDir)}${where}`
}
