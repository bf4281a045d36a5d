// The smoke's results: each named check passes or fails with a reason; the output says which.

import { errorText } from '@tokentap/shared'

export interface CheckResult {
  name: string
  ok: boolean
  detail: string
}

export class Checks {
  readonly results: CheckResult[] = []

  constructor(private readonly print: (line: string) => void) {}

  /** Runs `fn`; a throw or a returned string starting with "FAIL:" fails the check. Returns
   *  whether it passed. */
  async check(name: string, fn: () => Promise<string | undefined>): Promise<boolean> {
    let detail = ''
    let ok = true
    try {
      detail = (await fn()) ?? ''
    } catch (e) {
      ok = false
      detail = errorText(e)
    }
    this.results.push({ name, ok, detail })
    this.print(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`)
    return ok
  }

  get failed(): number {
    return this.results.filter((r) => !r.ok).length
  }
}

/** Throws unless `cond`: the message says what was expected and what was seen. */
export function expectThat(cond: boolean, message: string): void {
  if (!cond) throw new Error(message)
}
