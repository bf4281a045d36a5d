// Capturing parsers: every call forwarded (records and estimates unchanged), bodies redacted and
// bounded; which dialects capture (the policy), including capture-unknown.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta, ProviderDialect } from '@tokentap/shared'
import { anthropicDialect } from '../providers/anthropic/parser.ts'
import { noneDialect } from '../providers/none.ts'
import { capturedOf, withBodyCapture } from './dialect.ts'
import { captureDialect } from './policy.ts'

const meta: ExchangeMeta = {
  host: 'api.anthropic.com',
  method: 'POST',
  path: '/v1/messages',
  requestHeaders: { 'x-api-key': 'sk-ant-api03-SECRETSECRETSECRET' },
}
const bytes = (s: string) => new TextEncoder().encode(s)
const request =
  '{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"my key is sk-proj-abcdefghijklmnop"}]}'
const response =
  '{"id":"m","type":"message","model":"claude-haiku-4-5","content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":3,"output_tokens":1}}'

function run(dialect: ProviderDialect) {
  const parser = dialect.createParser(meta)
  parser.pushRequest(bytes(request))
  parser.endRequest(false)
  parser.onResponseHead(200, { 'content-type': 'application/json' })
  parser.pushResponse(bytes(response))
  return { parser, usage: parser.end() }
}

describe('withBodyCapture', () => {
  test('the record and the estimate text are the same as without capture', () => {
    const plain = run(anthropicDialect)
    const captured = run(withBodyCapture(anthropicDialect, 1 << 20))
    expect(captured.usage).toEqual(plain.usage)
    expect(captured.parser.seenText?.()).toEqual(plain.parser.seenText?.() ?? null)
    expect(capturedOf(plain.parser)).toBeNull()
  })

  test('bodies are redacted; headers are never part of them', () => {
    const { parser } = run(withBodyCapture(anthropicDialect, 1 << 20))
    const bodies = capturedOf(parser)!
    expect(bodies.request).toBe(request.replace('sk-proj-abcdefghijklmnop', 'sk-proj…'))
    expect(bodies.response).toBe(response)
    expect(JSON.stringify(bodies)).not.toContain('SECRET')
  })

  test('no body either way: nothing captured (no exchange_bodies row)', () => {
    const parser = withBodyCapture(anthropicDialect, 1024).createParser(meta)
    parser.endRequest(false)
    parser.onResponseHead(204, {})
    parser.end()
    expect(capturedOf(parser)).toBeNull()
  })

  test('bounded per body', () => {
    const { parser } = run(withBodyCapture(anthropicDialect, 16))
    const bodies = capturedOf(parser)!
    expect(bodies.request).toBe(
      `${request.slice(0, 16)}\n[truncated: first 16 of ${request.length} bytes]`,
    )
    expect(bodies.response?.startsWith(response.slice(0, 16))).toBe(true)
  })
})

describe('captureDialect', () => {
  const none = noneDialect('example.com')
  const policy = (captureBodies: boolean, unknown: boolean) => ({
    captureBodies,
    maxBytes: 1024,
    captureUnknown: () => unknown,
  })

  test('off: the same dialect object, nothing captured', () => {
    expect(captureDialect(policy(false, false), anthropicDialect)).toBe(anthropicDialect)
    expect(captureDialect(policy(false, false), none)).toBe(none)
  })

  test('capture on: every dialect; capture-unknown alone: only exchanges no dialect reads', () => {
    expect(captureDialect(policy(true, false), anthropicDialect)).not.toBe(anthropicDialect)
    expect(captureDialect(policy(false, true), anthropicDialect)).toBe(anthropicDialect)
    const wrapped = captureDialect(policy(false, true), none)
    expect(wrapped).not.toBe(none)
    expect(wrapped.provider).toBe('example.com')
    const { parser } = run(wrapped)
    expect(capturedOf(parser)?.request).toContain('"role":"user"')
  })
})
