/** @jsxImportSource hono/jsx */
import { describe, expect, test } from 'bun:test'
import { Heads, TokenCells } from './table.tsx'

const html = (node: unknown): string => String(node)

describe('Heads', () => {
  test('text and figure columns in order; hidden ones left out', () => {
    const out = html(<Heads cols={['Time', { num: 'Input' }, null, false, { num: 'Cost' }]} />)
    expect(out).toBe(
      '<th scope="col">Time</th><th scope="col" class="num">Input</th>' +
        '<th scope="col" class="num">Cost</th>',
    )
  })
})

describe('TokenCells', () => {
  test('input, output, and cache read / both writes summed', () => {
    const out = html(
      <TokenCells
        t={{
          inputTokens: 12,
          outputTokens: 3,
          cacheReadTokens: 40,
          cacheWrite5mTokens: 5,
          cacheWrite1hTokens: 7,
        }}
      />,
    )
    expect(out).toBe(
      '<td class="num"><span>12</span></td><td class="num"><span>3</span></td>' +
        '<td class="num"><span>40</span> / <span>12</span></td>',
    )
  })
})
