// A request's billing kind and account fingerprint, as the exchange records them: the pure
// classifier (credential-kind.ts) under the installation's fingerprint key (account-key.ts).

import type { BillingKind } from '@tokentap/shared'
import type { HeaderList } from '../http1/head.ts'
import { createFingerprint } from './account-key.ts'
import { classifyCredential } from './credential-kind.ts'

export interface RequestAccount {
  billingKind: BillingKind
  /** The credential's fingerprint; null when the request carried none. */
  account: string | null
}

/** host (lower-case), origin-form path, request headers → billing kind and account. */
export type AccountResolver = (host: string, path: string, headers: HeaderList) => RequestAccount

export function createAccountResolver(key: Uint8Array): AccountResolver {
  const fingerprint = createFingerprint(key)
  return (host, path, headers) => {
    const c = classifyCredential(host, path, headers)
    return { billingKind: c.billingKind, account: fingerprint(c) }
  }
}
