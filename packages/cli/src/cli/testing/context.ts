// A Ctx for tests: captured output, scripted confirmation, a runner that records commands.

import type { Env } from '@tokentap/shared'
import type { Ctx } from '../context.ts'

export interface TestCtx extends Ctx {
  stdout: string[]
  stderr: string[]
  ran: string[][]
  output(): string
}

export function testContext(
  env: Env,
  o: { confirm?: boolean; platform?: NodeJS.Platform; code?: number } = {},
): TestCtx {
  const stdout: string[] = []
  const stderr: string[] = []
  const ran: string[][] = []
  return {
    env,
    stdout,
    stderr,
    ran,
    output: () => stdout.join(''),
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    confirm: async () => o.confirm ?? false,
    run: async (argv) => {
      ran.push(argv)
      return { code: o.code ?? 0, stdout: '', stderr: '' }
    },
    platform: o.platform ?? 'linux',
    now: () => new Date('2026-11-23T12:00:00Z'),
  }
}
