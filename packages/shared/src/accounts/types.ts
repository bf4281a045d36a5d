// Rate-limit and subscription windows per account (issue 16, part 2): the shape the proxy writes
// into account_limits.windows and the dashboard, its API and the CLI read back.

import type { BillingKind } from '../usage.ts'

/** What a window counts. */
export type LimitUnit =
  | 'requests'
  | 'tokens'
  | 'input-tokens'
  | 'output-tokens'
  | 'usage'
  | 'credits'

/** One window's latest reading, as the provider reported it. */
export interface LimitWindow {
  /** Fraction used, 0…1 (above 1 when the provider reports overage); null when unknown. */
  used: number | null
  /** The window's capacity and what is left of it, when the provider states them. */
  limit: number | null
  remaining: number | null
  /** When the window resets (ISO instant); null when not stated. */
  resetAt: string | null
  /** The window's length in minutes, when known (Claude 5-hour = 300, Codex primary …). */
  minutes: number | null
  /** The provider's word on this window (Claude: allowed | allowed_warning | rejected; Codex
   *  credits: unlimited | available | none). */
  status: string | null
  unit: LimitUnit
  /** When the response carrying it arrived (ISO instant). */
  observedAt: string
}

/** Window name → reading. Names: `requests`, `tokens`, `input-tokens`, `output-tokens`
 *  (per-minute API buckets), `unified-5h`, `unified-7d`, `unified-<id>` (Claude subscription
 *  windows), `codex-primary`, `codex-secondary`, `<limit>-primary` (Codex), `codex-credits`. */
export type LimitWindows = Record<string, LimitWindow>

/** One account as the Limits page, /api/limits and the CLI show it. */
export interface AccountLimits {
  /** The fingerprint (never the credential). */
  account: string
  provider: string
  billingKind: BillingKind
  lastUser: string | null
  firstSeenAt: string
  lastSeenAt: string
  windows: LimitWindows
  /** The provider's overall standing (Claude: allowed | allowed_warning | rejected). */
  status: string | null
  observedAt: string | null
  count429: number
  last429At: string | null
  /** Start of the current run of 429s (null when none was ever seen). */
  limitedSince: string | null
}
