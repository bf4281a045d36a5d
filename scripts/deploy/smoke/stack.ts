// The compose project under test: compose commands (v2 plugin or v1, same arguments), its
// containers by service (found by compose's labels, which both versions set), health, logs.

import { must, type RunResult, run } from './run.ts'
import type { Tools } from './tools.ts'

export interface ContainerState {
  Status: string
  ExitCode: number
  StartedAt: string
  FinishedAt: string
  Health?: { Status: string; Log: { Start: string; End: string; ExitCode: number }[] }
}

export class Stack {
  constructor(
    private readonly tools: Tools,
    readonly dir: string,
    readonly project: string,
    private readonly files: string[],
  ) {}

  compose(args: string[], timeoutMs = 900_000): Promise<RunResult> {
    const argv = [...this.tools.compose.argv, '-p', this.project]
    for (const f of this.files) argv.push('-f', f)
    return run([...argv, ...args], { cwd: this.dir, timeoutMs })
  }

  async container(service: string): Promise<string> {
    const r = await must([
      this.tools.docker,
      'ps',
      '-a',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${this.project}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
    ])
    const id = r.out.trim().split('\n')[0] ?? ''
    if (!id) throw new Error(`no container for service ${service}`)
    return id
  }

  async state(service: string): Promise<ContainerState> {
    const id = await this.container(service)
    const r = await must([this.tools.docker, 'inspect', '--format', '{{json .State}}', id])
    return JSON.parse(r.out) as ContainerState
  }

  exec(service: string, argv: string[]): Promise<RunResult> {
    return this.container(service).then((id) => run([this.tools.docker, 'exec', id, ...argv]))
  }

  async logs(service: string): Promise<string> {
    const r = await run([this.tools.docker, 'logs', '--timestamps', await this.container(service)])
    return r.out + r.err
  }

  /** Waits until every service is healthy; returns when each was first seen healthy (epoch
   *  ms, polled every 200 ms); throws naming the ones that are not. */
  async waitHealthy(services: string[], limitMs: number): Promise<Map<string, number>> {
    const until = Date.now() + limitMs
    const healthy = new Map<string, number>()
    let last: Record<string, string> = {}
    while (Date.now() < until) {
      last = {}
      for (const s of services) {
        if (healthy.has(s)) continue
        const st = await this.state(s).catch(() => null)
        last[s] = st?.Health?.Status ?? st?.Status ?? 'missing'
        if (last[s] === 'healthy') healthy.set(s, Date.now())
      }
      if (healthy.size === services.length) return healthy
      if (Object.values(last).some((v) => v === 'exited' || v === 'unhealthy')) break
      await Bun.sleep(200)
    }
    throw new Error(`not healthy: ${JSON.stringify(last)}`)
  }
}

/** The time (epoch ms) of the last log line matching `re` (docker logs --timestamps). */
export function logTime(logs: string, re: RegExp): number | null {
  let at: number | null = null
  for (const line of logs.split('\n')) {
    const m = /^(\S+)\s(.*)$/.exec(line)
    if (m?.[1] && re.test(m[2] ?? '')) at = Date.parse(m[1])
  }
  return at
}

const READY: Record<string, RegExp> = {
  postgres: /ready to accept connections/,
  proxy: /listening on http/,
  dashboard: /dashboard on http/,
}

/** When each service started, said it was ready, was seen healthy (or exited), in seconds
 *  after `t0` (epoch ms): the report's start timeline. */
export async function timeline(
  stack: Stack,
  t0: number,
  healthy: Map<string, number>,
): Promise<string[]> {
  const at = (ms: number): string => `+${((ms - t0) / 1000).toFixed(1)} s`
  const lines: string[] = []
  for (const s of ['postgres', 'migrate', 'proxy', 'dashboard']) {
    const st = await stack.state(s)
    const events = [`started ${at(Date.parse(st.StartedAt))}`]
    const re = READY[s]
    const ready = re ? logTime(await stack.logs(s), re) : null
    if (ready !== null) events.push(`ready ${at(ready)}`)
    // Health.Log holds the last 5 checks: its first success or the poll, whichever is earlier.
    const logged = st.Health?.Log.find((l) => l.ExitCode === 0)
    const seen = [healthy.get(s), logged ? Date.parse(logged.End) : undefined].filter(
      (t): t is number => t !== undefined,
    )
    if (seen.length > 0) events.push(`healthy ${at(Math.min(...seen))}`)
    if (s === 'migrate') events.push(`exited ${st.ExitCode} ${at(Date.parse(st.FinishedAt))}`)
    lines.push(`${s}: ${events.join(', ')}`)
  }
  return lines
}

export const SMOKE_PROJECT_PREFIX = 'tokentap-smoke-'

/** Removes what earlier, interrupted smoke runs left: the containers, volumes and images of
 *  smoke projects none of whose containers is running (a concurrent run's are). */
export async function removeStaleRuns(docker: string): Promise<string[]> {
  const ps = await must([
    docker,
    'ps',
    '-a',
    '--filter',
    'label=com.docker.compose.project',
    '--format',
    '{{.ID}} {{.Label "com.docker.compose.project"}} {{.Status}}',
  ])
  const projects = new Map<string, { ids: string[]; running: boolean }>()
  for (const line of ps.out.split('\n')) {
    const [id = '', project = '', status = ''] = line.split(' ')
    if (!project.startsWith(SMOKE_PROJECT_PREFIX)) continue
    const p = projects.get(project) ?? { ids: [], running: false }
    p.ids.push(id)
    p.running ||= status === 'Up'
    projects.set(project, p)
  }
  const removed: string[] = []
  for (const [project, p] of projects) {
    if (p.running) continue
    await run([docker, 'rm', '-f', ...p.ids])
    const volumes = await run([
      docker,
      'volume',
      'ls',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${project}`,
    ])
    const names = volumes.out.split('\n').filter((v) => v !== '')
    if (names.length > 0) await run([docker, 'volume', 'rm', ...names])
    const tag = `smoke-${project.slice(SMOKE_PROJECT_PREFIX.length)}`
    const images = await run([docker, 'images', '--format', '{{.Repository}}:{{.Tag}}'])
    const mine = images.out
      .split('\n')
      .filter((i) => /^tokentap-(proxy|dashboard):/.test(i) && i.split(':')[1]?.startsWith(tag))
    if (mine.length > 0) await run([docker, 'rmi', '-f', ...mine])
    removed.push(project)
  }
  return removed
}
