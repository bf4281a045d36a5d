// `tokentap logs`: the last lines of the logs `tokentap up` writes under TOKENTAP_HOME/logs,
// and with -f the lines that follow (polling; survives truncation and rotation).

import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { boolFlag, parseArgs, stringFlag, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { paths } from '../config/paths.ts'

export const LOGS = { tokentap: 'tokentap.log', postgres: 'postgres.log' } as const

/** The last `n` lines of `text` (a trailing newline does not count as an empty line). */
export function lastLines(text: string, n: number): string {
  if (n <= 0 || text === '') return ''
  const body = text.endsWith('\n') ? text.slice(0, -1) : text
  const lines = body.split('\n')
  return `${lines.slice(-n).join('\n')}\n`
}

function readFrom(file: string, offset: number): { text: string; size: number } {
  const size = statSync(file).size
  if (size <= offset) return { text: '', size }
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(size - offset)
    const n = readSync(fd, buf, 0, buf.length, offset)
    return { text: buf.subarray(0, n).toString('utf8'), size: offset + n }
  } finally {
    closeSync(fd)
  }
}

export interface FollowOptions {
  intervalMs: number
  /** Stops following when it resolves (tests); SIGINT otherwise. */
  until?: Promise<void>
}

export async function follow(
  file: string,
  from: number,
  write: (text: string) => void,
  o: FollowOptions,
): Promise<void> {
  let offset = from
  let stop = false
  void o.until?.then(() => {
    stop = true
  })
  while (!stop) {
    await Bun.sleep(o.intervalMs)
    try {
      if (statSync(file).size < offset) offset = 0 // truncated or rotated
      const r = readFrom(file, offset)
      if (r.text) write(r.text)
      offset = r.size
    } catch {
      offset = 0 // not there (yet): start from its beginning when it comes back
    }
  }
}

export const logs: CommandDef = {
  name: 'logs',
  summary: 'print (-f: follow) the logs `tokentap up` writes',
  usage: `tokentap logs [tokentap|postgres] [-n LINES] [-f]

Prints the last LINES (default 50) of TOKENTAP_HOME/logs/tokentap.log (proxy, dashboard and
start-up messages) or postgres.log; -f keeps printing new lines until Ctrl-C.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, {
      follow: { type: 'boolean', short: 'f' },
      lines: { type: 'string', short: 'n' },
    })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    const which = a.positionals[0] ?? 'tokentap'
    if (a.positionals.length > 1 || !(which in LOGS)) {
      throw new UsageError(`expected one of ${Object.keys(LOGS).join(', ')}, got ${which}`)
    }
    const n = Number(stringFlag(a, 'lines') ?? 50)
    if (!Number.isInteger(n) || n < 0) throw new UsageError('-n takes a whole number of lines')
    const file = join(paths(ctx.env).logDir, LOGS[which as keyof typeof LOGS])
    let size = 0
    try {
      const r = readFrom(file, 0)
      ctx.out(lastLines(r.text, n))
      size = r.size
    } catch {
      if (!boolFlag(a, 'follow')) {
        ctx.err(`tokentap logs: no log at ${file} yet (it is written by \`tokentap up\`)\n`)
        return EXIT.failed
      }
    }
    if (boolFlag(a, 'follow')) await follow(file, size, ctx.out, { intervalMs: 250 })
    return EXIT.ok
  },
}
