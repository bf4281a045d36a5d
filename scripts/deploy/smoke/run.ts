// The smoke's process runner: one command, its output and how long it took, bounded in time.
// Async (Bun.spawn), so an in-process mock upstream keeps answering while a command runs.

export interface RunResult {
  code: number
  out: string
  err: string
  ms: number
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  timeoutMs?: number
}

export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now()
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...process.env, ...opts.env }))
    if (v !== undefined) env[k] = v
  const proc = Bun.spawn(argv, {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 600_000)
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(timer)
  return { code, out, err, ms: performance.now() - started }
}

/** Runs a command that must succeed; throws with its output otherwise. */
export async function must(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(argv, opts)
  if (r.code !== 0) {
    const tail = `${r.out}\n${r.err}`.trim().split('\n').slice(-30).join('\n')
    throw new Error(`${argv.join(' ')} exited ${r.code}:\n${tail}`)
  }
  return r
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
