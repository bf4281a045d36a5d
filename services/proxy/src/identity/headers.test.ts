import { describe, expect, test } from 'bun:test'
import type { HeaderList } from '../http1/head.ts'
import { forwardedHeaders, readHeaderTags } from './headers.ts'

describe('readHeaderTags', () => {
  test('project and session, any case, trimmed', () => {
    const h: HeaderList = [
      ['X-Tokentap-Project', ' billing-bot '],
      ['x-TOKENTAP-session', 'run 2026-11-23/7'],
    ]
    expect(readHeaderTags(h)).toEqual({
      project: 'billing-bot',
      session: 'run 2026-11-23/7',
      notes: [],
    })
  })

  test('absent → null, no notes', () => {
    expect(readHeaderTags([['user-agent', 'curl/8']])).toEqual({
      project: null,
      session: null,
      notes: [],
    })
  })

  test.each([
    ['', 'empty'],
    ['x'.repeat(129), '129 characters (max 128)'],
    ['caf\u00e9', 'not printable ASCII'],
    ['a\tb', 'not printable ASCII'],
    ['sk-proj-abc123abc123abc123', 'looks like a credential'],
    ['Bearer eyJhbGciOi.x.y', 'looks like a credential'],
  ])('bad value %j is ignored with a note (%s), never echoed', (value, why) => {
    const r = readHeaderTags([['x-tokentap-session', value]])
    expect(r.session).toBeNull()
    expect(r.notes).toEqual([expect.stringContaining(why)])
    if (value.length > 0) expect(r.notes[0]).not.toContain(value)
  })

  test('128 characters is fine; repeated identical values are one value; different are not', () => {
    expect(readHeaderTags([['x-tokentap-project', 'p'.repeat(128)]]).project).toHaveLength(128)
    expect(
      readHeaderTags([
        ['x-tokentap-project', 'a'],
        ['X-Tokentap-Project', 'a'],
      ]).project,
    ).toBe('a')
    const r = readHeaderTags([
      ['x-tokentap-project', 'a'],
      ['x-tokentap-project', 'b'],
    ])
    expect(r.project).toBeNull()
    expect(r.notes[0]).toContain('different values')
  })
})

test('forwardedHeaders drops every X-Tokentap-* and Proxy-* header, keeps the rest in order', () => {
  const h: HeaderList = [
    ['Host', 'api.anthropic.com'],
    ['X-Tokentap-Project', 'p'],
    ['Proxy-Authorization', 'Basic YTpi'],
    ['x-tokentap-whatever', '1'],
    ['Proxy-Connection', 'keep-alive'],
    ['x-api-key', 'k'],
    ['X-Tokentap', 'not ours: no dash suffix'],
  ]
  expect(forwardedHeaders(h)).toEqual([
    ['Host', 'api.anthropic.com'],
    ['x-api-key', 'k'],
    ['X-Tokentap', 'not ours: no dash suffix'],
  ])
})

test('forwardedHeaders drops hop-by-hop fields and the names Connection lists; Upgrade only when relayed', () => {
  const h: HeaderList = [
    ['Host', 'api.openai.com'],
    ['Connection', 'Upgrade, X-Drop-Me, host'],
    ['X-Drop-Me', '1'],
    ['Keep-Alive', 'timeout=5'],
    ['TE', 'trailers'],
    ['Trailer', 'X-T'],
    ['Upgrade', 'websocket'],
    ['Proxy-Authenticate', 'Basic'],
    ['Sec-WebSocket-Key', 'k'],
  ]
  expect(forwardedHeaders(h)).toEqual([
    ['Host', 'api.openai.com'],
    ['Sec-WebSocket-Key', 'k'],
  ])
  expect(forwardedHeaders(h, true)).toEqual([
    ['Host', 'api.openai.com'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Key', 'k'],
  ])
})
