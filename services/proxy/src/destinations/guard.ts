// The destination policy's IO shell: resolve a name once, decide on the answer, and hand the
// dialer exactly the addresses decided on (SNI and certificate checks stay on the name), so no
// second lookup can swap in another address between check and connect (DNS rebinding).
//
// TOKENTAP_RESOLVE: a host:port it maps (exactly or by `*:port`) is the operator's explicit
// choice of address and port — dialled at the mapped target with neither the address nor the
// port rule (the client cannot change where it leads). Local mode dials everything by name.

import { errorResponse } from '../http1/respond.ts'
import type { Resolver, Target } from '../net/resolve.ts'
import { parseIp } from './ip.ts'
import type { Lookup } from './lookup.ts'
import {
  type DestinationPolicy,
  type DestinationRequest,
  decide,
  portMayPass,
  type RefusalReason,
  type Via,
} from './policy.ts'
import { refusalReason, refusalResponse } from './refusal.ts'

export type Verdict =
  | {
      ok: true
      /** Dial these in order (resolved addresses, or the TOKENTAP_RESOLVE / local-mode target). */
      targets: Target[]
    }
  | {
      ok: false
      /** 403: refused by the policy; 502: the name could not be resolved. */
      status: 403 | 502
      reason: RefusalReason | 'lookup_failed'
      /** One line for logs and errors (no secrets: host and port only). */
      why: string
      /** The HTTP response to send (403 or 502, closes the connection). */
      response: string
    }

export interface DestinationGuard {
  /** False in local mode: check() allows everything without a lookup. */
  readonly enforced: boolean
  check(host: string, port: number, via: Via): Promise<Verdict>
}

export interface GuardDeps {
  policy: DestinationPolicy
  resolve: Resolver
  lookup: Lookup
  own: () => ReadonlySet<string>
}

/** Thrown by the guarded dialer when the pool asks for a refused destination. */
export class DestinationRefused extends Error {
  constructor(readonly verdict: Extract<Verdict, { ok: false }>) {
    super(`destination refused: ${verdict.why}`)
    this.name = 'DestinationRefused'
  }
}

const normalise = (host: string): string =>
  host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')

export function createDestinationGuard(d: GuardDeps): DestinationGuard {
  const { policy } = d
  const refuse = (
    req: DestinationRequest,
    reason: RefusalReason,
    address: string | null,
  ): Verdict => {
    const why = refusalReason(req, reason, address, policy.extraPorts)
    return { ok: false, status: 403, reason, why, response: refusalResponse(req, why) }
  }
  return {
    enforced: policy.enforce,
    async check(host, port, via) {
      const mapped = d.resolve(host, port)
      // Local mode, or the operator's own mapping: dialled as configured.
      if (!policy.enforce || mapped.mapped) return { ok: true, targets: [mapped] }
      const req: DestinationRequest = { host: normalise(host), port, via }
      if (!portMayPass(policy, req)) return refuse(req, 'port', null)
      let addresses: string[]
      if (parseIp(req.host)) addresses = [req.host]
      else {
        try {
          addresses = await d.lookup(req.host)
        } catch (e) {
          const why = `cannot resolve ${req.host}: ${(e as Error).message}`
          return {
            ok: false,
            status: 502,
            reason: 'lookup_failed',
            why,
            response: errorResponse(502, why),
          }
        }
      }
      const decision = decide(policy, req, addresses, d.own())
      if (!decision.allowed) return refuse(req, decision.reason, decision.address)
      return { ok: true, targets: addresses.map((a) => ({ host: a, port, mapped: false })) }
    },
  }
}
