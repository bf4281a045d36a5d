// What a command sees of the world: environment, output streams, stdin answers, and the
// commands it may run. Injected so commands run in-process in tests with no system effects.

import type { Env } from '@tokentap/shared'

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs an external command (install-cert, service --yes, open). */
export type Runner = (argv: string[]) => Promise<CommandResult>

export interface Ctx {
  env: Env
  out(text: string): void
  err(text: string): void
  /** Asks a yes/no question; false when there is no terminal to answer it. */
  confirm(question: string): Promise<boolean>
  run: Runner
  platform: NodeJS.Platform
  now(): Date
}

/** Output goes straight to the terminal (sudo may prompt); only the exit code comes back. */
export const realRunner: Runner = async (argv) => {
  try {
    const p = Bun.spawn(argv, { stdio: ['inherit', 'inherit', 'inherit'] })
    return { code: await p.exited, stdout: '', stderr: '' }
  } catch (e) {
    return { code: 127, stdout: '', stderr: (e as Error).message }
  }
}

async function ttyConfirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  process.stderr.write(`${question} [y/N] `)
  for await (const line of console) {
    return /^y(es)?$/i.test(line.trim())
  }
  return false
}

export function realContext(): Ctx {
  return {
    env: process.env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    confirm: ttyConfirm,
    run: realRunner,
    platform: process.platform,
    now: () => new Date(),
  }
}
