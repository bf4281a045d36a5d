/** @jsxImportSource hono/jsx */
// Money and token figures as markup: "~$" marks estimated usage, "unpriced" marks billable
// requests without a price (never shown as $0), "covered" an amount a subscription paid (its
// API-equivalent value, not money billed), "partial" a cost that leaves out billed units the price
// table has no price for (a lower bound; an event names them: "not priced: …").

import {
  billedOfTotals,
  type CostText,
  formatCompact,
  formatInt,
  type Totals,
  valueOfTotals,
} from '@tokentap/shared/api'

export function Cost(props: { cost: CostText; notPriced?: string[] | null }) {
  const { amount, estimated, unpriced, covered } = props.cost
  const partial = props.cost.partial ?? 0
  if (amount === 'unpriced') {
    return <span class="unpriced">unpriced</span>
  }
  if (amount === 'free') return <span class="free">free</span>
  return (
    <span
      class={covered ? 'cost-wrap covered' : 'cost-wrap'}
      title={covered ? 'covered by a subscription: API-equivalent value, not billed' : undefined}
    >
      {estimated ? (
        <abbr class="cost estimated" title="includes estimated usage (not the provider's count)">
          {amount}
        </abbr>
      ) : (
        <span class="cost">{amount}</span>
      )}
      {covered ? <span class="tag">sub</span> : null}
      {unpriced > 0 ? (
        <span class="unpriced" title="billable requests with no known price">
          {` + ${formatInt(unpriced)} unpriced`}
        </span>
      ) : null}
      {partial > 0 ? <PartialMark partial={partial} notPriced={props.notPriced ?? null} /> : null}
    </span>
  )
}

/** Token count with the exact figure in the title when compacted. */
export function Tokens(props: { n: number }) {
  const short = formatCompact(props.n)
  const full = formatInt(props.n)
  return short === full ? <span>{full}</span> : <span title={full}>{short}</span>
}

/** A priced cost that leaves units out: one event names them, an aggregate counts its requests. */
function PartialMark(props: { partial: number; notPriced: string[] | null }) {
  if (props.notPriced !== null && props.notPriced.length > 0) {
    const list = props.notPriced.join(', ')
    return (
      <abbr class="partial" title={`a lower bound: not priced: ${list}`}>
        {` + not priced: ${list}`}
      </abbr>
    )
  }
  return (
    <abbr
      class="partial"
      title="priced requests with billed units the price table has no price for: a lower bound"
    >
      {` + ${formatInt(props.partial)} partially priced`}
    </abbr>
  )
}

/** An aggregate's billed spend and, under it, the API-equivalent value of its subscription
 *  traffic when it had any (the sessions and sub-agent tables). */
export function Spend(props: { t: Totals }) {
  const { t } = props
  return (
    <>
      <Cost cost={billedOfTotals(t)} />
      {t.subscriptionRequests > 0 || t.subscriptionValueUsd > 0 ? (
        <span class="sub">
          <Cost cost={valueOfTotals(t)} />
        </span>
      ) : null}
    </>
  )
}

/** The header of a Spend column. */
export function SpendHeader(props: { label?: string }) {
  return (
    <>
      {props.label ?? 'Billed'}
      <span class="sub">
        <abbr title="API-equivalent value of subscription traffic">+ sub. value</abbr>
      </span>
    </>
  )
}
