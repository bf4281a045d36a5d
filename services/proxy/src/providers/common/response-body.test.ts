// The body readers the shell feeds: a JSON body parsed, scanned when too large, and the parse
// errors stated once; a stream reader summarised only after its end.

import { describe, expect, test } from 'bun:test'
import { toBytes } from '../testing/replay.ts'
import type { JsonObject } from './json-values.ts'
import {
  type BodyReader,
  countFacts,
  jsonResponse,
  streamResponse,
  topLevelFacts,
  topLevelScan,
} from './response-body.ts'

function read<F>(reader: BodyReader<F>, body: string | Uint8Array): F {
  const bytes = toBytes(body)
  reader.push(bytes.subarray(0, bytes.length >> 1))
  reader.push(bytes.subarray(bytes.length >> 1))
  return reader.finish()
}

const topLevel = () =>
  jsonResponse({ parsed: (body) => topLevelFacts(body, true), scanned: topLevelScan })
const usage = { input_tokens: 3, output_tokens: 1 }

describe('jsonResponse', () => {
  test('a parsed object', () => {
    expect(read(topLevel(), JSON.stringify({ id: 'r', model: 'm', usage }))).toEqual({
      responseId: 'r',
      model: 'm',
      usage,
      complete: true,
      parseError: null,
    })
    expect(read(topLevel(), '{"id":"r"}').parseError).toBe('response has no usage')
  })

  test('not JSON, empty, or not an object', () => {
    const facts = (parseError: string) => ({
      responseId: null,
      model: null,
      usage: null,
      complete: true,
      parseError,
    })
    expect(read(topLevel(), '<html>502</html>')).toEqual(facts('response is not valid JSON'))
    expect(read(topLevel(), ' \n')).toEqual(facts('empty JSON response'))
    expect(read(topLevel(), '[1,2]')).toEqual(facts('response JSON is not an object'))
  })

  test('invalid JSON is scanned too: a usage object before the cut is kept', () => {
    const cut = `{"id":"r","model":"m","usage":${JSON.stringify(usage)},"more":"`
    expect(read(topLevel(), cut)).toEqual({
      responseId: 'r',
      model: 'm',
      usage,
      complete: true,
      parseError: 'response is not valid JSON',
    })
  })

  test('over 4 MiB: head and tail scanned; without usage, the size is the parse error', () => {
    const filler = 'x'.repeat(5 << 20)
    const big = JSON.stringify({ id: 'r', model: 'm', content: filler, usage })
    expect(read(topLevel(), big)).toEqual({
      responseId: 'r',
      model: 'm',
      usage,
      complete: true,
      parseError: null,
    })
    const noUsage = JSON.stringify({ id: 'r', content: filler })
    expect(read(topLevel(), noUsage)).toMatchObject({
      responseId: 'r',
      usage: null,
      parseError: `response too large (${noUsage.length} bytes), no usage`,
    })
  })
})

test('countFacts: the body is the usage when it holds the count', () => {
  const body: JsonObject = { input_tokens: 12 }
  expect(countFacts(body, 'input_tokens')).toMatchObject({ usage: body, parseError: null })
  expect(countFacts({ input_tokens: 'x' }, 'input_tokens').usage).toBeNull()
})

test('streamResponse: the summary is read after the reader ended', () => {
  const seen: string[] = []
  const reader = streamResponse(
    {
      push: (bytes) => seen.push(`push ${bytes.length}`),
      end: () => seen.push('end'),
    },
    () => [...seen],
  )
  expect(read(reader, 'abcd')).toEqual(['push 2', 'push 2', 'end'])
})
