// The shape of one CLI command: its name, one-line summary, usage text and handler.

import type { Ctx } from './context.ts'

export interface CommandDef {
  name: string
  summary: string
  usage: string
  run(argv: string[], ctx: Ctx): Promise<number>
}

/** Exit codes: 0 ok, 1 failed / down, 2 usage error; `run` passes the command's own. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const
