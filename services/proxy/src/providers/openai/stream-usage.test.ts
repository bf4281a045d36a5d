// The streamed-usage modes: which requests are held and rewritten, Azure's api-version gate, the
// global off switch, and the reason a stream without usage is flagged with (read by estimates).

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta } from '@tokentap/shared'
import { runParser, toBytes } from '../testing/replay.ts'
import { openaiChatDialect } from './chat.ts'
import {
  apiVersionDocumentsStreamOptions,
  missingStreamUsageReason,
  type StreamUsageOptions,
  streamUsageHooks,
} from './stream-usage.ts'
import { plainChatStream } from './testing/chat-streams.ts'
import { SSE_HEADERS } from './testing/common.ts'

const post = (path: string, type = 'application/json', method = 'POST'): ExchangeMeta => ({
  host: 'h',
  method,
  path,
  requestHeaders: { 'content-type': type },
})

describe('api-version gate (Azure: stream_options from 2024-09-01-preview / 2024-10-21)', () => {
  test.each([
    ['/v1/chat/completions', true],
    ['/openai/v1/chat/completions', true],
    ['/openai/v1/chat/completions?api-version=preview', true],
    ['/openai/v1/chat/completions?api-version=latest', true],
    ['/openai/deployments/d/chat/completions?api-version=2024-10-21', true],
    ['/openai/deployments/d/chat/completions?api-version=2024-09-01-preview', true],
    ['/openai/deployments/d/chat/completions?api-version=2025-04-01-preview', true],
    ['/openai/deployments/d/chat/completions?x=1&api-version=2024-08-01-preview', false],
    ['/openai/deployments/d/chat/completions?api-version=2024-06-01', false],
    ['/openai/deployments/d/chat/completions?api-version=2023-05-15', false],
    ['/openai/deployments/d/chat/completions?api-version=2024-13', false],
  ])('%s → %p', (path, documented) => {
    expect(apiVersionDocumentsStreamOptions(path)).toBe(documented)
  })
})

describe('hooks', () => {
  test('only `inject`, and only while TOKENTAP_INJECT_STREAM_USAGE is on', () => {
    expect(Object.keys(streamUsageHooks({ streamUsage: 'inject' }))).toEqual([
      'wantsRequestBody',
      'rewriteRequest',
    ])
    for (const opts of [
      {},
      { streamUsage: 'always' },
      { streamUsage: 'never-inject' },
      { streamUsage: 'inject', injectStreamUsage: false },
    ] as StreamUsageOptions[]) {
      expect(streamUsageHooks(opts)).toEqual({})
    }
  })

  test('held: JSON POSTs to the chat path, on an api-version that has the field', () => {
    const wants = streamUsageHooks({ streamUsage: 'inject' }).wantsRequestBody!
    expect(wants(post('/v1/chat/completions'))).toBe(true)
    expect(wants(post('/v1/chat/completions', 'application/json; charset=utf-8'))).toBe(true)
    expect(wants(post('/v1/chat/completions', 'text/plain'))).toBe(false)
    expect(wants(post('/v1/chat/completions', 'application/json', 'GET'))).toBe(false)
    expect(wants(post('/v1/responses'))).toBe(false)
    expect(wants(post('/v1/embeddings'))).toBe(false)
    expect(wants(post('/openai/deployments/d/chat/completions?api-version=2024-06-01'))).toBe(false)
  })

  test('the rewrite comes with the stripper that undoes it', () => {
    const rewrite = streamUsageHooks({ streamUsage: 'inject' }).rewriteRequest!
    const out = rewrite(post('/v1/chat/completions'), toBytes('{"stream":true}'))
    expect(new TextDecoder().decode(out!.body)).toBe(
      '{"stream":true,"stream_options":{"include_usage":true}}',
    )
    const filter = out!.createResponseFilter()
    expect(
      new TextDecoder().decode(filter.push(toBytes('data: {"choices":[],"usage":{}}\n\n'))),
    ).toBe('')
    expect(rewrite(post('/v1/chat/completions'), toBytes('{"stream":false}'))).toBeNull()
  })
})

describe('the reason a stream without usage is flagged with', () => {
  const reasonFor = (
    opts: StreamUsageOptions,
    path = '/v1/chat/completions',
  ): string | undefined => {
    const meta = post(path)
    const { parser } = runParser(
      openaiChatDialect('p', opts),
      meta,
      { status: 200, headers: SSE_HEADERS },
      [toBytes('{"model":"m","stream":true,"messages":[]}')],
      [toBytes(plainChatStream)],
    )
    return parser.seenText?.()?.reason
  }

  test('names what kept usage out', () => {
    expect(reasonFor({ streamUsage: 'always' })).toContain('reports it unasked; none came')
    expect(reasonFor({})).toContain('not known to accept it')
    expect(reasonFor({ streamUsage: 'inject', injectStreamUsage: false })).toContain(
      'TOKENTAP_INJECT_STREAM_USAGE is off',
    )
    expect(
      reasonFor(
        { streamUsage: 'inject' },
        '/openai/deployments/d/chat/completions?api-version=2024-06-01',
      ),
    ).toContain('api-versions before 2024-09-01')
    expect(reasonFor({ streamUsage: 'inject' })).toContain('bodies it can hold and edit')
    expect(missingStreamUsageReason({ streamUsage: 'never-inject' }, '/')).toContain(
      'stream_options.include_usage',
    )
  })
})
