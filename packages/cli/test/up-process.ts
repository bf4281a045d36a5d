// Helpers of the `tokentap up` process tests: read the banner off stdout, pick fields out of it,
// wait for an exit with a hang guard, list the postmasters of a data dir.

import { join } from 'node:path'
import type { Readable } from 'node:stream'

/** The CLI's entry point (`bun MAIN up` is what `bun run start` runs). */
export const MAIN = join(import.meta.dir, '..', 'src', 'main.ts')

type Stdout = ReadableStream<Uint8Array> | Readable | null

/** stdout up to the banner's last line (or EOF), bounded in time. */
export async function banner(stdout: Stdout, boundMs = 15_000): Promise<string> {
  let text = ''
  if (stdout === null) return text
  if (stdout instanceof ReadableStream) {
    const reader = stdout.getReader()
    const timeout = setTimeout(() => reader.cancel(), boundMs)
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
      if (text.includes('Ctrl-C stops everything.')) break
    }
    clearTimeout(timeout)
    reader.releaseLock()
    return text
  }
  return await new Promise<string>((resolve) => {
    const finish = (): void => {
      clearTimeout(timeout)
      stdout.off('data', onData)
      resolve(text)
    }
    const onData = (b: Buffer): void => {
      text += b.toString()
      if (text.includes('Ctrl-C stops everything.')) finish()
    }
    const timeout = setTimeout(finish, boundMs)
    stdout.on('data', onData)
    stdout.once('end', finish)
  })
}

export function field(text: string, re: RegExp): string {
  const m = re.exec(text)?.[1]
  if (m === undefined) throw new Error(`no ${re} in:\n${text}`)
  return m
}

/** Exit code, or 'hang' (after killing it) when the process is still running after a generous
 *  bound: a hang guard, not a speed check. */
export async function exitCode(
  p: { exited: Promise<number>; kill(signal?: NodeJS.Signals | number): void },
  boundMs = 20_000,
): Promise<number | 'hang'> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), boundMs)
  })
  const code = await Promise.race([p.exited, hang])
  clearTimeout(timer)
  if (code === 'hang') p.kill('SIGKILL')
  return code
}

/** PIDs of postgres processes whose command line names `dataDir`. */
export function postmasters(dataDir: string): number[] {
  const r = Bun.spawnSync(['pgrep', '-f', dataDir])
  return r.stdout.toString().trim().split('\n').filter(Boolean).map(Number)
}
