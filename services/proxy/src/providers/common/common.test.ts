// The shared helpers: in-place JSON member edits, the guarded parser shell, and a fuzz of every
// dialect in this folder set (random bytes under each content type never throw).

import { describe, expect, test } from 'bun:test'
import type { ProviderDialect } from '@tokentap/shared'
import { amazonQDialect } from '../bedrock/amazon-q.ts'
import { bedrockDialect } from '../bedrock/bedrock.ts'
import { geminiDialect } from '../gemini/gemini.ts'
import { openaiDialect } from '../openai/index.ts'
import { runExchange } from '../testing/replay.ts'
import { appendMember, findMember, objectMembers, removeMember } from './json-scan.ts'
import { emptyRecord } from './record.ts'
import { guardedParser } from './shell.ts'

describe('json-scan', () => {
  const text = ' { "a" : "x\\"}{" , "usage":null,"n":[1,{"b":"]"}], "z": -1.5e3 } '

  test('finds members around strings, escapes and nesting', () => {
    const span = objectMembers(text)
    expect(span?.members.map((m) => [m.key, text.slice(m.valueStart, m.valueEnd)])).toEqual([
      ['a', '"x\\"}{"'],
      ['usage', 'null'],
      ['n', '[1,{"b":"]"}]'],
      ['z', '-1.5e3'],
    ])
    expect(objectMembers('[1]')).toBeNull()
    expect(objectMembers('{"a":}')).toBeNull()
    expect(objectMembers('{}')?.members).toEqual([])
  })

  test('removes a member with exactly one comma, wherever it is', () => {
    const remove = (json: string, key: string) => {
      const span = objectMembers(json)!
      return removeMember(json, span, findMember(span, key)!)
    }
    expect(remove('{"a":1,"b":2,"c":3}', 'a')).toBe('{"b":2,"c":3}')
    expect(remove('{"a":1,"b":2,"c":3}', 'b')).toBe('{"a":1,"c":3}')
    expect(remove('{"a":1,"b":2,"c":3}', 'c')).toBe('{"a":1,"b":2}')
    expect(remove('{ "a" : 1 }', 'a')).toBe('{  }')
    expect(JSON.parse(remove(text, 'usage'))).toEqual({ a: 'x"}{', n: [1, { b: ']' }], z: -1500 })
    expect(appendMember('{}', objectMembers('{}')!, '"k":1')).toBe('{"k":1}')
  })
})

test('the shell turns a throwing dialect into a parseError, and end() is idempotent', () => {
  const parser = guardedParser({
    base: () => emptyRecord('p', 'e', true),
    onResponseHead: () => ({
      push() {
        throw new Error('boom')
      },
      finish: () => 'facts',
    }),
    finish: (facts) => ({ ...emptyRecord('p', 'e', true), model: facts }),
  })
  parser.onResponseHead(200, {})
  parser.pushResponse(new Uint8Array([1]))
  const first = parser.end()
  expect(first.parseError).toBe('parser error: boom')
  expect(first.model).toBe('facts') // what the body reader found reaches finish
  expect(parser.end()).toBe(first)

  const failing = guardedParser({
    base: () => emptyRecord('p', 'e', false),
    onResponseHead: () => null,
    finish() {
      throw new Error('late')
    },
  })
  expect(failing.end()).toMatchObject({
    provider: 'p',
    billable: false,
    parseError: 'parser error: late',
  })
})

describe('fuzz: random bytes never throw', () => {
  let seed = 7
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed & 0xff
  }
  const cases: [ProviderDialect, string][] = [
    [openaiDialect('openai'), '/v1/chat/completions'],
    [openaiDialect('openai'), '/v1/responses'],
    [geminiDialect('gemini'), '/v1beta/models/g:streamGenerateContent'],
    [
      geminiDialect('vertex'),
      '/v1/projects/p/locations/l/publishers/anthropic/models/c:streamRawPredict',
    ],
    [bedrockDialect(), '/model/m/invoke-with-response-stream'],
    [bedrockDialect(), '/model/m/converse'],
    [amazonQDialect(), '/generateAssistantResponse'],
  ]
  const types = ['text/event-stream', 'application/json', 'application/vnd.amazon.eventstream']
  for (const [dialect, path] of cases) {
    test(`${dialect.provider} ${path}`, () => {
      for (const type of types) {
        for (let run = 0; run < 20; run++) {
          const bytes = Uint8Array.from({ length: 256 }, random)
          const chunks = [bytes.subarray(0, 100), bytes.subarray(100)]
          const meta = { host: 'h', method: 'POST', path, requestHeaders: {} }
          const usage = runExchange(
            dialect,
            meta,
            { status: 200, headers: { 'content-type': type } },
            [bytes],
            chunks,
          )
          expect(usage.provider).toBe(dialect.provider)
        }
      }
    })
  }
})
