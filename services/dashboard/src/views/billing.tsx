/** @jsxImportSource hono/jsx */
// Billed units beyond the token buckets (issue 14) as markup: readable names for the unit kinds
// (@tokentap/shared billing.ts), the units of one event in a stable order, what the price table
// could not price, and the sampling iterations (Anthropic `usage.iterations`) as a table.

import {
  type BilledUnits,
  COUNT_UNITS,
  SUB_USAGE_IN_BUCKETS,
  type SubUsage,
  TOKEN_UNITS,
} from '@tokentap/shared'
import { formatInt } from '@tokentap/shared/api'
import { dimensionLabel } from './format.ts'
import { Heads } from './table.tsx'

const UNIT_LABELS: Record<string, string> = {
  input_audio_tokens: 'Audio input tokens (part of input)',
  cache_audio_read_tokens: 'Cached audio tokens (part of cache read)',
  output_audio_tokens: 'Audio output tokens (part of output)',
  input_image_tokens: 'Image input tokens (part of input)',
  cache_image_read_tokens: 'Cached image tokens (part of cache read)',
  output_image_tokens: 'Image output tokens (part of output)',
  input_video_tokens: 'Video input tokens (part of input)',
  cache_video_read_tokens: 'Cached video tokens (part of cache read)',
  output_video_tokens: 'Video output tokens (part of output)',
  web_searches: 'Web searches',
  web_fetches: 'Web fetches',
  file_searches: 'File searches',
  code_interpreter_calls: 'Code interpreter calls',
  image_generation_calls: 'Image generation calls',
  grounded_prompts: 'Prompts grounded with Google Search',
  maps_grounded_prompts: 'Prompts grounded with Google Maps',
}

/** A unit kind's name for people; a kind we do not know keeps the provider's name. */
export const unitLabel = (kind: string): string => UNIT_LABELS[kind] ?? kind

const ORDER: readonly string[] = [...TOKEN_UNITS, ...COUNT_UNITS]
const rank = (kind: string): number => {
  const i = ORDER.indexOf(kind)
  return i < 0 ? ORDER.length : i
}

/** [label, count] per unit: token parts first, then uses, then kinds we do not know (by name). */
export function unitRows(units: BilledUnits | null): Array<[string, string]> {
  return Object.entries(units ?? {})
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, n]) => [unitLabel(kind), formatInt(n)])
}

/** What the price table had no price for: "not priced: web_fetches, service_tier:priority". */
export function NotPriced(props: { units: string[] | null }) {
  if (props.units === null || props.units.length === 0) return null
  return <span class="unpriced">{`not priced: ${props.units.join(', ')}`}</span>
}

/** The iterations of one exchange; `counted` ones are already in the event's buckets. */
export function Iterations(props: { items: SubUsage[] }) {
  return (
    <div class="table-wrap">
      <table class="iterations">
        <caption class="visually-hidden">Sampling iterations</caption>
        <thead>
          <tr>
            <Heads
              cols={[
                'Kind',
                'Model',
                { num: 'Input' },
                { num: 'Output' },
                { num: 'Cache read' },
                { num: 'Cache write 5m / 1h' },
                'In the token figures',
              ]}
            />
          </tr>
        </thead>
        <tbody>
          {props.items.map((it) => (
            <tr>
              <th scope="row">{it.kind}</th>
              <td>{dimensionLabel(it.model)}</td>
              <td class="num">{formatInt(it.inputTokens)}</td>
              <td class="num">{formatInt(it.outputTokens)}</td>
              <td class="num">{formatInt(it.cacheReadTokens)}</td>
              <td class="num">
                {`${formatInt(it.cacheWrite5mTokens)} / ${formatInt(it.cacheWrite1hTokens)}`}
              </td>
              <td>{SUB_USAGE_IN_BUCKETS.has(it.kind) ? 'yes' : <span class="muted">no</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
