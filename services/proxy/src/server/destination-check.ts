// The destination guard at the proxy's doors: refusals logged (client, user, destination and
// why — never an http:// path or query) and counted; the check absolute-form requests run.

import type { DestinationGuard, Verdict } from '../destinations/guard.ts'
import type { ExchangeContext } from '../mitm/context.ts'

export function logRefusal(
  ctx: ExchangeContext,
  verdict: Extract<Verdict, { ok: false }>,
  what: string,
  client: string,
  user: string | null,
): void {
  ctx.metrics.destinationRefused(verdict.reason)
  const who = user === null ? '' : ` user ${JSON.stringify(user.slice(0, 64))}`
  ctx.log.warn(`${verdict.status} ${what} from ${client}${who}: ${verdict.why}`)
}

/** An absolute-form request's check: null when nothing is enforced, else the response to
 *  send (403 / 502), or null to go on. */
export type DestinationCheck = (
  host: string,
  port: number,
  user: string | null,
) => Promise<string | null> | null

export function absoluteFormCheck(
  ctx: ExchangeContext,
  guard: DestinationGuard,
  client: string,
): DestinationCheck {
  return (host, port, user) => {
    if (!guard.enforced) return null
    return guard.check(host, port, 'http').then((verdict) => {
      if (verdict.ok) return null
      const shown = host.includes(':') ? `[${host}]` : host
      logRefusal(ctx, verdict, `request to "http://${shown}:${port}"`, client, user)
      return verdict.response
    })
  }
}
