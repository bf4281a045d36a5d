/** @jsxImportSource hono/jsx */
// Table pieces every page's tables share: the header row from a column list (figure columns
// right-aligned) and a row's token cells (input, output, cache read / write).

import type { Child } from 'hono/jsx'
import { Tokens } from './cost.tsx'

/** A column: its title (text) or `{ num }` (a right-aligned figure); null/false: not shown. */
export type Column = string | { num: Child } | null | false

/** The `<th scope="col">` cells of a header row, in order. */
export function Heads(props: { cols: Column[] }) {
  return (
    <>
      {props.cols.map((c) => {
        if (c === null || c === false) return null
        if (typeof c === 'string') return <th scope="col">{c}</th>
        return (
          <th scope="col" class="num">
            {c.num}
          </th>
        )
      })}
    </>
  )
}

/** What a row's token cells read: any aggregate or event with the token buckets as numbers. */
export interface TokenFigures {
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWrite5mTokens: number
  cacheWrite1hTokens: number
}

/** Input, output and cache read / written (5m + 1h) cells of one row. */
export function TokenCells(props: { t: TokenFigures }) {
  const { t } = props
  return (
    <>
      <td class="num">
        <Tokens n={t.inputTokens} />
      </td>
      <td class="num">
        <Tokens n={t.outputTokens} />
      </td>
      <td class="num">
        <Tokens n={t.cacheReadTokens} />
        {' / '}
        <Tokens n={t.cacheWrite5mTokens + t.cacheWrite1hTokens} />
      </td>
    </>
  )
}
