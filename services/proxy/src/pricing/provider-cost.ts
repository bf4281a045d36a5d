// Costs the provider reported itself, read from the record's rawUsage (the provider's usage
// object). These are what was actually billed, so they beat any price table.
//  - OpenRouter: `usage.cost` (USD credits charged); with BYOK (`is_byok: true`) the upstream
//    provider bills the user's own key `cost_details.upstream_inference_cost` on top.
//  - xAI: `usage.cost_in_usd_ticks`, 1 USD = 10^10 ticks.

import { roundUsd } from './money.ts'

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const amount = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null

/** The usage object: rawUsage itself, or its `usage` member when a whole body was kept. */
function usageOf(raw: unknown): Obj | null {
  if (!isObj(raw)) return null
  return isObj(raw.usage) ? raw.usage : raw
}

function openrouterCost(u: Obj): number | null {
  const cost = amount(u.cost)
  if (cost === null) return null
  // Non-BYOK responses repeat the charge as upstream_inference_cost: add it only for BYOK.
  const upstream = u.is_byok === true && isObj(u.cost_details)
  const extra = upstream ? (amount((u.cost_details as Obj).upstream_inference_cost) ?? 0) : 0
  return roundUsd(cost + extra)
}

function xaiCost(u: Obj): number | null {
  const v = u.cost_in_usd_ticks
  const ticks = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : amount(v)
  // 10^10 ticks per USD: whole ticks / 100 are units of 10^-8 USD, exact in a double.
  return ticks === null ? null : Math.round(ticks / 100) / 1e8
}

/** USD the provider says this exchange cost, else null. */
export function providerReportedCost(provider: string, rawUsage: unknown): number | null {
  const u = usageOf(rawUsage)
  if (u === null) return null
  if (provider === 'openrouter') return openrouterCost(u)
  if (provider === 'xai') return xaiCost(u)
  return null
}
