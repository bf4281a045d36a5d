// The shape of one OpenAI-compatible host's test case: its documented JSON and SSE exchanges (each
// with the one record every chunking must give), whether the proxy asks it for streamed usage and,
// when it does, the stream as sent when asked and as the client must receive it (unasked).

import type { Fixture } from '../common.ts'

export interface HostCase {
  host: string
  provider: string
  /** The chat path clients use on this host. */
  chatPath: string
  /** The proxy adds `stream_options.include_usage` to a streamed chat request that lacks it. */
  asks: boolean
  /** Where this host's documented shapes come from (shown in the test names). */
  source: string
  fixtures: Fixture[]
  /** Hosts that are asked: the same stream as sent when asked, and as sent unasked. */
  strip?: { asked: string; unasked: string }
  /** The USD the provider reported in fixtures' usage (`cost`, `cost_in_usd_ticks`). */
  reportedCosts?: { fixture: string; usd: number }[]
}

/** A streamed chat request as a client sends it, without stream_options. */
export const streamRequest = (model: string): string =>
  JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Dis bonjour ☕' }] })
