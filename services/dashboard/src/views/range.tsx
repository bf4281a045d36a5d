/** @jsxImportSource hono/jsx */
// The heading line that says which range a page shows, in the viewer's zone.

import type { Filters } from '@tokentap/shared/api'
import { formatTime } from './format.ts'

const PRESET_TEXT = { today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days', custom: 'Custom' }

export function RangeLine(props: { f: Filters }) {
  const { f } = props
  return (
    <p class="range-line">
      <strong>{PRESET_TEXT[f.range]}</strong>
      {': '}
      <time datetime={f.from.toISOString()}>{formatTime(f.from, f.timezone).slice(0, 16)}</time>
      {' – '}
      <time datetime={f.to.toISOString()}>{formatTime(f.to, f.timezone).slice(0, 16)}</time>
      <span class="muted">{` (${f.timezone})`}</span>
    </p>
  )
}
