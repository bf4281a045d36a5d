// Top self-time functions of a CPU profile (`bun --cpu-prof` writes Chrome's .cpuprofile; the
// bench writes the proxy's when TOKENTAP_BENCH_PROFILE=<dir> is set). Counts samples, not the
// recorded time deltas: a sample taken after the event loop slept carries the whole sleep, which
// would crown whatever function ran next. `bun scripts/bench/profile-summary.ts <file> [top=25]`

import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
}

type Row = { name: string; share: number; n: number }

function label(n: ProfileNode): string {
  const f = n.callFrame
  const file = f.url.replace(/^.*\/(node_modules\/\.bun\/[^/]+|services|packages)\//, '$1/')
  return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim()
}

function ranked(counts: Map<string, number>, total: number, top: number): Row[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, n, share: n / total }))
}

/** Self samples per function (name + file + line), most first. */
export function topSelf(p: Profile, top: number): Row[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const counts = new Map<string, number>()
  for (const id of p.samples) {
    const n = byId.get(id)
    if (n) counts.set(label(n), (counts.get(label(n)) ?? 0) + 1)
  }
  return ranked(counts, p.samples.length, top)
}

/** Samples with the function anywhere on the stack (each sample counts a function once). */
export function topTotal(p: Profile, top: number): Row[] {
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const counts = new Map<string, number>()
  for (const id of p.samples) {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)
      if (n) seen.add(label(n))
    }
    for (const name of seen) counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return ranked(counts, p.samples.length, top)
}

if (import.meta.main) {
  const [file, topArg] = process.argv.slice(2)
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]')
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const print = (rows: Row[]): void => {
    for (const r of rows) {
      console.log(
        `${(100 * r.share).toFixed(1).padStart(5)}%  ${String(r.n).padStart(6)}  ${r.name}`,
      )
    }
  }
  console.log(`${p.samples.length} samples; self:`)
  print(topSelf(p, Number(topArg ?? 25)))
  console.log('\ntotal (on the stack):')
  print(topTotal(p, Number(topArg ?? 25)))
}
