// Pure decisions of the budget evaluator: which thresholds a spend has crossed, which of them
// this evaluation sends (edge-triggered: only the highest of those crossed together), the
// delivery backoff, when a pending alert expires, and masking webhook URLs (they are secrets).

/** Thresholds (fractions of the limit) reached by `spentUsd`. */
export function crossedThresholds(
  thresholds: number[],
  spentUsd: number,
  limitUsd: number,
): number[] {
  // A cent-fraction tolerance keeps 0.8 × 50 = 40.000000000000004 reachable by spending $40.
  return thresholds.filter((t) => spentUsd + 1e-9 >= t * limitUsd)
}

export const SUPERSEDED = 'superseded: a higher threshold was crossed at the same time'

/** The alerts_sent rows to insert for thresholds crossed now: the highest is sent, the lower ones
 *  are recorded as already settled (delivered_at set, last_error = SUPERSEDED) so no later
 *  evaluation sends a stale 50 % after the 100 % went out. Rows that already exist are skipped
 *  by the insert (ON CONFLICT DO NOTHING), so repeating a plan is harmless. */
export function claimPlan(crossed: number[]): { threshold: number; send: boolean }[] {
  const top = Math.max(...crossed)
  return crossed.map((threshold) => ({ threshold, send: threshold === top }))
}

export interface RetryPolicy {
  /** Attempts in one delivery run (the first included). */
  tries: number
  baseMs: number
  maxMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 3, baseMs: 1000, maxMs: 30_000 }

/** Wait before attempt `n` (1-based, n ≥ 2) of a run: base, 2 × base, … capped. */
export function backoffMs(policy: RetryPolicy, n: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, n - 2))
}

/** A pending alert is retried until its window ended `graceMs` ago. */
export function isExpired(windowEnd: Date, now: Date, graceMs: number): boolean {
  return now.getTime() > windowEnd.getTime() + graceMs
}

/** `https://hooks.slack.com/***`: scheme and host only. */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}/***`
  } catch {
    return '***'
  }
}

/** Masks every URL path in a text (error messages may quote the webhook URL). */
export function maskUrls(text: string): string {
  return text.replace(/\b(https?:\/\/)([^/\s"'<>]+)[^\s"'<>]*/gi, (_m, scheme, host) => {
    const bare = String(host).replace(/^[^@]*@/, '')
    return `${scheme}${bare}/***`
  })
}

/** `80 %`, `112.5 %` (at most one decimal). */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`
}

/** `$41.20`; amounts under a cent keep four decimals (`$0.0022`). */
export function usd(n: number): string {
  return `$${Math.abs(n) >= 0.01 || n === 0 ? n.toFixed(2) : n.toFixed(4)}`
}
