// USD arithmetic for cost_usd (numeric(14,8)): every cost leaves pricing rounded to 8 decimals,
// so float residue (0.1 + 0.2) never reaches the database or the rollups.

const SCALE = 1e8

/** Rounds a USD amount to 8 decimals (the precision of cost_usd); -0 becomes 0. */
export function roundUsd(usd: number): number {
  const r = Math.round(usd * SCALE) / SCALE
  return r === 0 ? 0 : r
}

/** A count that can be priced: finite and positive, else 0 (null, NaN and negatives are 0). */
export function count(n: number | null | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0
}

/** USD for token counts at per-million-token prices: Σ tokens × price, divided once, rounded. */
export function perMTokCost(lines: ReadonlyArray<readonly [tokens: number, usdPerMTok: number]>) {
  let sum = 0
  for (const [tokens, price] of lines) sum += tokens * price
  return roundUsd(sum / 1e6)
}
