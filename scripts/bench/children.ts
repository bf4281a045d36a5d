// Child processes of the bench (mock upstream, proxy): spawn, wait for the JSON ready line on
// stdout, keep their stderr for the report, and make sure none outlives the bench — SIGTERM then
// SIGKILL on exit, signals and errors; the children also exit on their own when stdin closes.

import { join } from 'node:path'
import type { Subprocess } from 'bun'

export interface ReadyInfo {
  port: number
  pid: number
  caPath: string
  /** A proxy with --workers=N: its workers' pids (their CPU and memory count as the proxy's). */
  workerPids?: number[]
}

export interface Child {
  name: string
  pid: number
  info: ReadyInfo
  /** Exit code once exited, else null. */
  exitCode(): number | null
  /** Stderr lines so far (first 200 kept) and how many there were. */
  stderr(): { lines: string[]; total: number }
}

const live = new Set<Subprocess>()

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const dec = new TextDecoder()
  let buf = ''
  for await (const chunk of stream) {
    buf += dec.decode(chunk, { stream: true })
    let i = buf.indexOf('\n')
    while (i >= 0) {
      onLine(buf.slice(0, i))
      buf = buf.slice(i + 1)
      i = buf.indexOf('\n')
    }
  }
  if (buf) onLine(buf)
}

/** `bunFlags`: flags for bun itself, before `run` (e.g. --cpu-prof). */
export async function spawnChild(
  name: string,
  script: string,
  args: string[],
  bunFlags: string[] = [],
): Promise<Child> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' }
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR
  const cmd = [process.execPath, ...bunFlags, 'run', join(import.meta.dir, script), ...args]
  const proc = Bun.spawn(cmd, {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    env,
  })
  live.add(proc)
  void proc.exited.then(() => live.delete(proc))
  const errLines: string[] = []
  let errTotal = 0
  void readLines(proc.stderr, (l) => {
    errTotal++
    if (errLines.length < 200) errLines.push(l)
  })
  const info = await new Promise<ReadyInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ready line within 30 s`)), 30_000)
    void proc.exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code} before ready: ${errLines.join('\n')}`))
    })
    void readLines(proc.stdout, (line) => {
      try {
        const v = JSON.parse(line) as ReadyInfo
        clearTimeout(timer)
        resolve(v)
      } catch {
        // not the ready line
      }
    })
  })
  return {
    name,
    pid: proc.pid,
    info,
    exitCode: () => proc.exitCode,
    stderr: () => ({ lines: errLines, total: errTotal }),
  }
}

/** SIGTERM every live child, SIGKILL whatever is left after `graceMs`. */
export async function stopChildren(graceMs = 1500): Promise<void> {
  const procs = [...live]
  for (const p of procs) p.kill('SIGTERM')
  await Promise.race([Promise.all(procs.map((p) => p.exited)), Bun.sleep(graceMs)])
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
}

/** Synchronous last resort for process exit paths. */
function killNow(): void {
  for (const p of live) p.kill('SIGKILL')
}

export function installCleanup(): void {
  process.on('exit', killNow)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`)
      void stopChildren(500).finally(() => process.exit(130))
    })
  }
  process.on('uncaughtException', (e) => {
    process.stderr.write(`bench: uncaught ${e.stack ?? e.message}\n`)
    killNow()
    process.exit(1)
  })
}
