// Shared pieces of the Anthropic billed-unit fixtures (billing-json.ts, billing-streams.ts).

import { meta } from './common.ts'

export const AT = '2026-04-01T12:00:00.000Z'
export const messages = meta('/v1/messages?beta=true')

export const sse = (events: Array<[string, object]>): string =>
  events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('')

export const message = (model: string, content: object[], usage: object) =>
  JSON.stringify({
    id: 'msg_01WebSearchX7f3',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  })

/** One `usage.iterations` entry as the record keeps it (no cache tokens). */
export const iteration = (kind: string, model: string | null, input: number, output: number) => ({
  kind,
  model,
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
})
