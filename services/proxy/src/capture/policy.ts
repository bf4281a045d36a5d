// Which exchanges have their bodies captured: every intercepted exchange when TOKENTAP_CAPTURE_BODIES
// is on; otherwise only unknown ones (no dialect understands them) when TOKENTAP_PROVIDERS sets
// `captureUnknown` — "for investigation" of what a new client or provider sends.

import type { ProviderDialect } from '@tokentap/shared'
import { isNoneDialect } from '../providers/none.ts'
import { withBodyCapture } from './dialect.ts'

export interface CapturePolicy {
  captureBodies: boolean
  maxBytes: number
  /** Read per exchange: TOKENTAP_PROVIDERS reloads may change it. */
  captureUnknown(): boolean
}

/** The dialect to use for an exchange: the same one, or one whose parsers capture bodies. */
export function captureDialect(policy: CapturePolicy, dialect: ProviderDialect): ProviderDialect {
  const on = policy.captureBodies || (isNoneDialect(dialect) && policy.captureUnknown())
  return on ? withBodyCapture(dialect, policy.maxBytes) : dialect
}
