// One case per OpenAI-compatible host of the provider table, from its documented (or recorded)
// wire shapes: every JSON and SSE fixture gives its exact record under every chunking, through
// the dialect the registry builds for that host; the host is asked for streamed usage exactly
// when its mode says so (and then the client still receives the stream it asked for, at every
// split); where the provider reports the cost itself, that is the record's price.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta, ParsedUsage } from '@tokentap/shared'
import { createPricer } from '../../pricing/pricer.ts'
import { createDialectRegistry } from '../registry.ts'
import { BUILTIN_PROVIDERS } from '../table.ts'
import { chunkings, firstMismatch, replayRuns, toBytes } from '../testing/replay.ts'
import { streamRequest } from './testing/hosts/case.ts'
import { hostCases } from './testing/hosts/index.ts'
import { createUsageChunkStripper } from './usage-stripper.ts'

const registry = createDialectRegistry({ injectStreamUsage: true })
const decoder = new TextDecoder()
const text = (bytes: Uint8Array): string => decoder.decode(bytes)

const chatRequest = (host: string, path: string): ExchangeMeta => ({
  host,
  method: 'POST',
  path,
  requestHeaders: { 'content-type': 'application/json', 'user-agent': 'OpenAI/JS 7.57.0' },
})

/** The stripper's output for `chunks` (one fresh stripper). */
function strip(chunks: Uint8Array[]): string {
  const stripper = createUsageChunkStripper()
  const out = chunks.map((c) => text(stripper.push(c.slice())))
  return out.join('') + text(stripper.end())
}

test('every OpenAI-compatible host of the table has a case, asked as its mode says', () => {
  const table = BUILTIN_PROVIDERS.flatMap((p) =>
    p.dialect === 'openai' && p.name !== 'openai' ? [[p.name, p.streamUsage === 'inject']] : [],
  )
  expect(hostCases.map((c) => [c.provider, c.asks])).toEqual(table)
})

for (const c of hostCases) {
  describe(`${c.provider}: ${c.source}`, () => {
    const dialect = registry(c.host, c.chatPath)

    for (const fixture of c.fixtures) {
      test(fixture.name, () => {
        expect(dialect.provider).toBe(c.provider)
        const runs = replayRuns(dialect, fixture.meta, fixture.exchange)
        expect(runs[0]?.usage).toEqual(fixture.expected)
        const bad = firstMismatch(runs, fixture.expected)
        if (bad) expect(bad).toEqual({ label: bad.label, usage: fixture.expected })
      })
    }

    test(c.asks ? 'a streamed chat request is asked for usage' : 'requests go as sent', () => {
      const meta = chatRequest(c.host, c.chatPath)
      const body = streamRequest('m')
      const wants = dialect.wantsRequestBody?.(meta) ?? false
      expect(wants).toBe(c.asks)
      const rewrite = dialect.rewriteRequest?.(meta, toBytes(body)) ?? null
      if (!c.asks) {
        expect(rewrite).toBeNull()
        return
      }
      expect(JSON.parse(text(rewrite!.body))).toEqual({
        ...JSON.parse(body),
        stream_options: { include_usage: true },
      })
      // A client that asked itself is left alone.
      const asked = JSON.stringify({ ...JSON.parse(body), stream_options: { include_usage: true } })
      expect(dialect.rewriteRequest?.(meta, toBytes(asked))).toBeNull()
    })

    const { strip: streams } = c
    if (streams) {
      test('the client receives the stream it asked for (unasked), at every split', () => {
        expect(streams.asked).not.toBe(streams.unasked)
        const runs = chunkings(toBytes(streams.asked))
        expect(runs.length).toBeGreaterThan(100)
        for (const run of runs) {
          expect([run.label, strip(run.chunks)]).toEqual([run.label, streams.unasked])
        }
      })
    }

    for (const cost of c.reportedCosts ?? []) {
      test(`the price is the cost the provider reported: ${cost.fixture}`, () => {
        const usage = c.fixtures.find((f) => f.name === cost.fixture)?.expected as ParsedUsage
        const priced = createPricer().price({
          provider: usage.provider,
          model: usage.model ?? null,
          host: c.host,
          startedAt: '2026-03-12T20:00:00.000Z',
          credits: null,
          billable: usage.billable,
          rawUsage: usage.rawUsage,
          inputTokens: usage.inputTokens ?? null,
          outputTokens: usage.outputTokens ?? null,
          cacheReadTokens: usage.cacheReadTokens ?? null,
          cacheWrite5mTokens: usage.cacheWrite5mTokens ?? null,
          cacheWrite1hTokens: usage.cacheWrite1hTokens ?? null,
          reasoningTokens: usage.reasoningTokens ?? null,
        })
        expect(priced.priceSource).toBe('provider')
        expect(priced.costUsd).toBeCloseTo(cost.usd, 10)
      })
    }
  })
}
