// A WebSocket's results without sockets: one per response as it completes, one usage-less result
// for a socket that yielded none, and the note of a message the tap skipped (a permessage-deflate
// bomb through the real tap) on the next result out — or on a result of its own at the close.

import { describe, expect, test } from 'bun:test'
import type { ParsedUsage, SeenText, WsExchangeParser } from '@tokentap/shared'
import { createWsLimitTap } from '../limits/ws.ts'
import type { ExchangeResult } from '../records/result.ts'
import { createWsTap } from '../ws/conversation.ts'
import { parseDeflateExtension } from '../ws/extensions.ts'
import { createDeflater, encodeFrame, MASK } from '../ws/testing/frames.ts'
import { ExchangeTally } from './result.ts'
import { createWsRecorder } from './ws-records.ts'

const LIMIT = 64 * 1024

/** Yields a usage per server message "done:N"; a server message "broken" throws. */
function fakeParser(): WsExchangeParser {
  const seen = new WeakMap<ParsedUsage, SeenText>()
  const usage = (id: string, parseError: string | null = null): ParsedUsage => {
    const u: ParsedUsage = {
      provider: 'openai',
      usageSource: 'provider',
      billable: true,
      responseId: id,
      inputTokens: 7,
      parseError,
    }
    seen.set(u, { request: { text: id, scale: 1, whole: true }, output: { text: '', scale: 1 } })
    return u
  }
  let open: string | null = null
  return {
    onMessage(m) {
      const text = new TextDecoder().decode(m.data)
      if (m.direction === 'client') {
        open = text
        return []
      }
      if (text === 'broken') throw new Error('parser bug')
      if (!text.startsWith('done:')) return []
      open = null
      return [usage(text.slice(5), text.endsWith('!') ? 'event unreadable' : null)]
    },
    end: () => (open === null ? [] : [usage(`open:${open}`)]),
    seenText: (u) => seen.get(u) ?? null,
  }
}

function socket(parser: WsExchangeParser | null = fakeParser()) {
  const results: ExchangeResult[] = []
  let clock = 1_000
  const tally = new ExchangeTally({
    startedAt: 1_000,
    host: 'api.openai.com',
    method: 'GET',
    path: '/v1/responses?stream=1',
    user: 'alice',
    project: null,
    // Read from the upgrade request: every result on the socket carries them.
    session: 'sess-1',
    agent: 'thread-2',
    agentType: 'collab_spawn',
    program: 'codex',
    billingKind: 'subscription',
    account: 'c0dec0dec0dec0dec0de',
  })
  const limitTap = createWsLimitTap()
  const recorder = createWsRecorder({
    provider: 'openai',
    path: '/v1/responses?stream=1',
    parser,
    tally,
    now: () => (clock += 10),
    submit: (r) => void results.push(r),
    limits: () => limitTap.take(),
  })
  const tap = createWsTap({
    deflate: parseDeflateExtension('permessage-deflate; client_no_context_takeover'),
    maxMessageBytes: LIMIT,
    onMessage: (m) => {
      limitTap.message(m, clock)
      recorder.message(m)
    },
    onError: (e) => recorder.note(e),
  })
  const deflater = createDeflater(true)
  return {
    results,
    tally,
    recorder,
    tap,
    client: async (text: string) =>
      tap.client(
        encodeFrame({ opcode: 1, payload: await deflater.compress(text), rsv1: true, mask: MASK }),
      ),
    server: (text: string) => tap.server(encodeFrame({ opcode: 1, payload: text })),
    /** A client message that inflates past the bound (~8 KB on the wire). */
    bomb: async () =>
      tap.client(
        encodeFrame({
          opcode: 1,
          payload: await deflater.compress(new Uint8Array(8 << 20)),
          rsv1: true,
          mask: MASK,
        }),
      ),
    close: async (error: Error | null = null) => {
      await tap.end()
      recorder.end(error)
      deflater.close()
    },
  }
}

const SKIPPED = `client: inflated message exceeds ${LIMIT} bytes; inflation stopped, window reset`
const summary = (r: ExchangeResult) => [r.usage.responseId ?? null, r.usage.parseError ?? null]

describe('WebSocket results', () => {
  test('a rate-limit event rides on the next result, and only on it', async () => {
    const s = socket()
    await s.client('create-1')
    s.server(
      JSON.stringify({
        type: 'codex.rate_limits',
        rate_limits: { primary: { used_percent: 55, window_minutes: 300, reset_at: 1772460000 } },
      }),
    )
    s.server('done:r1')
    await s.client('create-2')
    s.server('done:r2')
    await s.close()
    expect(s.results).toHaveLength(2)
    expect(s.results[0]!.limits?.windows['codex-primary']).toMatchObject({
      used: 0.55,
      minutes: 300,
    })
    expect(s.results[1]!.limits).toBeNull()
    expect(s.results[0]!.facts).toMatchObject({
      billingKind: 'subscription',
      account: 'c0dec0dec0dec0dec0de',
    })
  })

  test('one result per response, as it completes; the close adds none', async () => {
    const s = socket()
    s.tally.requestBytes = 100
    await s.client('create-1')
    s.server('delta')
    s.server('done:r1')
    await s.tap.end()
    expect(s.results).toHaveLength(1)
    s.recorder.end(null)
    expect(s.results).toHaveLength(1)
    const [r] = s.results
    expect(r!.facts).toMatchObject({
      status: 101,
      transport: 'websocket',
      outcome: 'ok',
      error: null,
      path: '/v1/responses?stream=1',
      requestBytes: 100,
      user: 'alice',
    })
    expect(r!.usage).toMatchObject({ responseId: 'r1', inputTokens: 7, parseError: null })
    expect(r!.seen?.request.text).toBe('r1')
    expect(r!.bodies).toBeNull()
  })

  test('a socket that yielded nothing ends in one usage-less result; a failed one says why', async () => {
    const quiet = socket()
    await quiet.close()
    expect(quiet.results.map((r) => [r.usage, r.facts.outcome])).toEqual([
      [
        {
          provider: 'openai',
          endpoint: '/v1/responses',
          usageSource: 'none',
          billable: false,
          parseError: null,
        },
        'ok',
      ],
    ])
    const failed = socket(null)
    await failed.close(new Error('ECONNRESET'))
    expect(failed.results.map((r) => [r.facts.outcome, r.facts.error])).toEqual([
      ['failed', 'ECONNRESET'],
    ])
  })

  test("the upgrade request's session and sub-agent ride on every response of the socket", async () => {
    const s = socket()
    await s.client('create-1')
    s.server('done:r1')
    await s.client('create-2')
    s.server('done:r2')
    await s.client('create-3')
    await s.close()
    expect(s.results.map(summary)).toEqual([
      ['r1', null],
      ['r2', null],
      ['open:create-3', null],
    ])
    for (const r of s.results) {
      expect(r.facts).toMatchObject({
        session: 'sess-1',
        agent: 'thread-2',
        agentType: 'collab_spawn',
      })
    }
  })

  test('the close flushes responses still open (and adds nothing more)', async () => {
    const s = socket()
    await s.client('create-1')
    await s.close()
    expect(s.results.map(summary)).toEqual([['open:create-1', null]])
  })

  test('a skipped message: its note rides on the next result, and only on that one', async () => {
    const s = socket()
    await s.client('create-1')
    s.server('done:r1')
    await s.bomb() // the request of the next response, unreadable
    s.server('done:r2!')
    s.server('done:r3')
    await s.close()
    expect(s.results.map(summary)).toEqual([
      ['r1', null],
      ['r2!', `event unreadable; ${SKIPPED}`],
      ['r3', null],
    ])
  })

  test('a skipped message no later result can carry gets the close result of its own', async () => {
    const s = socket()
    await s.client('create-1')
    s.server('done:r1')
    await s.bomb()
    await s.bomb()
    await s.bomb()
    await s.close()
    expect(s.results.map(summary)).toEqual([
      ['r1', null],
      [null, `${SKIPPED} (and 2 more)`],
    ])
    expect(s.results[1]!.usage).toMatchObject({ usageSource: 'none', billable: false })
  })

  test('a socket that carried nothing but a skipped message: one result, with the note', async () => {
    const s = socket()
    await s.bomb()
    await s.close()
    expect(s.results.map(summary)).toEqual([[null, SKIPPED]])
  })

  test('a parser that throws yields nothing for that message; the socket goes on', async () => {
    const s = socket()
    s.server('broken')
    s.server('done:r1')
    await s.close()
    expect(s.results.map(summary)).toEqual([['r1', null]])
  })
})
