/** @jsxImportSource hono/jsx */
// Money and token figures as markup: "~$" marks estimated usage, "unpriced" marks billable
// requests without a price (never shown as $0).

import { type CostText, formatCompact, formatInt } from '@tokentap/shared/api'

export function Cost(props: { cost: CostText }) {
  const { amount, estimated, unpriced } = props.cost
  if (amount === 'unpriced') {
    return <span class="unpriced">unpriced</span>
  }
  if (amount === 'free') return <span class="free">free</span>
  return (
    <span class="cost-wrap">
      {estimated ? (
        <abbr class="cost estimated" title="includes estimated usage (not the provider's count)">
          {amount}
        </abbr>
      ) : (
        <span class="cost">{amount}</span>
      )}
      {unpriced > 0 ? (
        <span class="unpriced" title="billable requests with no known price">
          {` + ${formatInt(unpriced)} unpriced`}
        </span>
      ) : null}
    </span>
  )
}

/** Token count with the exact figure in the title when compacted. */
export function Tokens(props: { n: number }) {
  const short = formatCompact(props.n)
  const full = formatInt(props.n)
  return short === full ? <span>{full}</span> : <span title={full}>{short}</span>
}
