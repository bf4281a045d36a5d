// Which price tables a cost was computed with (issue 14): the bundled @pydantic/genai-prices
// table by its package version (the package carries no data date, so its version is the table's
// version), and a TOKENTAP_PRICES file by a hash of its content. The proxy stamps them on every
// row (price_version); the dashboard shows them (/api/prices) and `tokentap reprice` names them.

import { createHash } from 'node:crypto'

/** Pinned in services/proxy/package.json; a proxy test checks it against the installed package. */
export const GENAI_PRICES_VERSION = 'genai-prices@0.1.8'

/** The price_version of costs priced from a TOKENTAP_PRICES file with this content. */
export function overridesVersion(content: string): string {
  return `overrides:${createHash('sha256').update(content).digest('hex').slice(0, 12)}`
}
