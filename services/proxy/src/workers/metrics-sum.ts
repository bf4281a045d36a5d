// /metrics over workers: each worker renders its own Prometheus text; the answer is one text in
// which every series is the sum over workers (a few gauges take the maximum: a latency or a 0/1
// flag summed would mean nothing), plus per-worker lines that show how the kernel spread the load.

/** Gauges whose meaning survives only as the worst worker's value. */
export const MAX_OVER_WORKERS: ReadonlySet<string> = new Set([
  'tokentap_flush_latency_ms',
  'tokentap_db_degraded',
])

interface Family {
  help: string | null
  type: string | null
  /** Series key (name + labels, as rendered) → value, in first-seen order. */
  series: Map<string, number>
}

const nameOf = (key: string): string => {
  const brace = key.indexOf('{')
  return brace === -1 ? key : key.slice(0, brace)
}

/** Parses the text format as metrics.ts renders it: HELP and TYPE lines, `key value` samples. */
function fold(families: Map<string, Family>, text: string): void {
  const family = (name: string): Family => {
    let f = families.get(name)
    if (!f) {
      f = { help: null, type: null, series: new Map() }
      families.set(name, f)
    }
    return f
  }
  for (const line of text.split('\n')) {
    if (line === '') continue
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      const f = family(meta[2] ?? '')
      if (meta[1] === 'HELP') f.help ??= meta[3] ?? ''
      else f.type ??= meta[3] ?? ''
      continue
    }
    if (line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    if (space <= 0) continue
    const key = line.slice(0, space)
    const value = Number(line.slice(space + 1))
    if (!Number.isFinite(value)) continue
    const name = nameOf(key)
    const f = family(name)
    const had = f.series.get(key)
    const max = MAX_OVER_WORKERS.has(name)
    f.series.set(key, had === undefined ? value : max ? Math.max(had, value) : had + value)
  }
}

/** One Prometheus text from the workers' texts: equal series summed (or maxed, see above). */
export function sumMetrics(texts: readonly string[]): string {
  const families = new Map<string, Family>()
  for (const t of texts) fold(families, t)
  const lines: string[] = []
  for (const [name, f] of families) {
    if (f.help !== null) lines.push(`# HELP ${name} ${f.help}`)
    if (f.type !== null) lines.push(`# TYPE ${name} ${f.type}`)
    for (const [key, v] of f.series) lines.push(`${key} ${v}`)
  }
  return `${lines.join('\n')}\n`
}

/** The sum of one family's series in a worker's text (e.g. its tokentap_exchanges_total). */
export function familyTotal(text: string, name: string): number {
  const families = new Map<string, Family>()
  fold(families, text)
  let total = 0
  for (const v of families.get(name)?.series.values() ?? []) total += v
  return total
}

export interface WorkerFigures {
  /** Workers answering now. */
  workers: number
  restarts: number
  /** Each answering worker's text, by worker index. */
  texts: ReadonlyMap<number, string>
}

/** The supervisor's own lines: worker count, restarts, each worker's exchanges and connections. */
export function workerLines(w: WorkerFigures): string {
  const lines = [
    '# HELP tokentap_workers Proxy worker processes answering.',
    '# TYPE tokentap_workers gauge',
    `tokentap_workers ${w.workers}`,
    '# HELP tokentap_worker_restarts_total Worker processes restarted after they died.',
    '# TYPE tokentap_worker_restarts_total counter',
    `tokentap_worker_restarts_total ${w.restarts}`,
    '# HELP tokentap_worker_exchanges Exchanges recorded by each worker since it started.',
    '# TYPE tokentap_worker_exchanges gauge',
  ]
  const indexes = [...w.texts.keys()].sort((a, b) => a - b)
  for (const i of indexes) {
    lines.push(
      `tokentap_worker_exchanges{worker="${i}"} ${familyTotal(w.texts.get(i) ?? '', 'tokentap_exchanges_total')}`,
    )
  }
  return `${lines.join('\n')}\n`
}
