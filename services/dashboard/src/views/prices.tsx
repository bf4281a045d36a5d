/** @jsxImportSource hono/jsx */
// The price tables behind the costs (issue 14), one line under the overview: the bundled
// genai-prices version, the TOKENTAP_PRICES file (name, modified, content version) and the table
// the newest priced request was priced with (what the proxy uses now; `tokentap reprice` applies
// the current tables to history).

import type { PricesResponse } from '@tokentap/shared/api'
import { formatTime } from './format.ts'

export function PriceTables(props: { p: PricesResponse; timezone: string }) {
  const { p, timezone: tz } = props
  const o = p.overrides
  return (
    <section class="prices" aria-labelledby="prices-title">
      <h2 id="prices-title" class="visually-hidden">
        Price tables
      </h2>
      <p class="muted">
        {'Prices: '}
        <code>{p.genaiPrices}</code>
        {' (bundled table; the package names no data date)'}
        {o === null ? (
          ' · no TOKENTAP_PRICES'
        ) : o.error !== null ? (
          <span class="unpriced">{` · TOKENTAP_PRICES ${o.file}: cannot be read (${o.error})`}</span>
        ) : (
          <>
            {` · TOKENTAP_PRICES ${o.file}, modified `}
            <time datetime={o.modifiedAt ?? ''}>{formatTime(o.modifiedAt, tz)}</time>{' '}
            <code>{o.version}</code>
          </>
        )}
        {p.lastPriced === null ? null : (
          <>
            {' · newest priced request: '}
            <code>{p.lastPriced.priceVersion}</code>
            {' at '}
            <time datetime={p.lastPriced.startedAt}>{formatTime(p.lastPriced.startedAt, tz)}</time>
          </>
        )}
      </p>
    </section>
  )
}
