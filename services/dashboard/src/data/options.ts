// Distinct dimension values in a range (for the filter drop-downs), from the rollup's hours that
// overlap the range; closed hours from the aggregate cache when it is on.

import { DIMENSIONS, type Dimension, type Filters } from '@tokentap/shared/api'
import type { AggregateContext } from './aggregate.ts'
import { closedBefore } from './cache.ts'
import { HOUR_MS } from './plan.ts'
import { type Exact, zero } from './sums.ts'
import { ts } from './where.ts'

const SEP = '\u0000'

async function read(
  { sql }: AggregateContext,
  lo: number,
  hi: number,
): Promise<Map<string, Exact>> {
  const out = new Map<string, Exact>()
  if (lo >= hi) return out
  const rows = await sql`select provider, model, "user", project, program
    from usage_rollup_hourly
    where hour >= ${ts(lo)}::timestamptz and hour < ${ts(hi)}::timestamptz
    group by grouping sets ((provider), (model), ("user"), (project), (program))`
  for (const r of rows) {
    for (const d of DIMENSIONS) {
      const v = r[d]
      if (typeof v === 'string') out.set(`${d}${SEP}${v}`, zero())
    }
  }
  return out
}

export async function filterOptions(
  ctx: AggregateContext,
  f: Filters,
): Promise<Record<Dimension, string[]>> {
  const lo = Math.floor(f.from.getTime() / HOUR_MS) * HOUR_MS
  const hi = f.to.getTime()
  const cache = ctx.cache?.enabled() ? ctx.cache : null
  const closed = cache ? Math.max(lo, Math.min(closedBefore(ctx.now().getTime()), hi)) : lo
  const fresh = read(ctx, closed, hi)
  let cached = new Map<string, Exact>()
  if (cache && closed > lo) {
    const key = JSON.stringify(['options', lo, closed])
    const hit = cache.get(key)
    if (hit) cached = hit
    else {
      const generation = cache.generation()
      cached = await read(ctx, lo, closed)
      cache.set(key, cached, generation)
    }
  }
  const out: Record<Dimension, string[]> = {
    model: [],
    provider: [],
    user: [],
    project: [],
    program: [],
  }
  const seen = new Set<string>()
  for (const k of [...cached.keys(), ...(await fresh).keys()]) {
    if (seen.has(k)) continue
    seen.add(k)
    const cut = k.indexOf(SEP)
    out[k.slice(0, cut) as Dimension].push(k.slice(cut + 1))
  }
  for (const d of DIMENSIONS) out[d].sort()
  return out
}
