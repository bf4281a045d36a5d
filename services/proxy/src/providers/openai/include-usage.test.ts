// injectIncludeUsage edits the request in place; the stripper undoes its effect on the response
// the client sees, under every chunking of the stream.

import { describe, expect, test } from 'bun:test'
import { chunkings, toBytes } from '../testing/replay.ts'
import { injectIncludeUsage } from './include-usage.ts'
import { plainChatStream, usageChatStream } from './testing/chat-streams.ts'
import { createUsageChunkStripper } from './usage-stripper.ts'

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

function inject(body: string): { body: string; injected: boolean } {
  const result = injectIncludeUsage(toBytes(body))
  return { body: text(result.body), injected: result.injected }
}

describe('injectIncludeUsage', () => {
  test('appends stream_options, leaving every other byte as sent', () => {
    const body =
      '{"model":"gpt-4.1","seed":12345678901234567890,"temperature":1.0,"stream":true,"messages":[{"role":"user","content":"caf\\u00e9 ☕"}]}'
    expect(inject(body)).toEqual({
      body: `${body.slice(0, -1)},"stream_options":{"include_usage":true}}`,
      injected: true,
    })
  })

  test('merges into existing stream_options, replaces a false flag or a null value', () => {
    expect(inject('{"stream":true,"stream_options":{"include_obfuscation":false}}').body).toBe(
      '{"stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true}}',
    )
    expect(inject('{"stream":true,"stream_options":{ "include_usage" : false }}').body).toBe(
      '{"stream":true,"stream_options":{ "include_usage" : true }}',
    )
    expect(inject('{"stream_options":null,"stream":true}').body).toBe(
      '{"stream_options":{"include_usage":true},"stream":true}',
    )
    expect(inject('{"stream":true,"stream_options":{}}').body).toBe(
      '{"stream":true,"stream_options":{"include_usage":true}}',
    )
  })

  test('pretty-printed bodies and duplicate keys', () => {
    const pretty = '{\n  "model": "gpt-4o",\n  "stream": true\n}\n'
    const out = inject(pretty)
    expect(out.body).toBe(
      '{\n  "model": "gpt-4o",\n  "stream": true,"stream_options":{"include_usage":true}\n}\n',
    )
    expect(JSON.parse(out.body)).toEqual({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
    })
    // JSON.parse keeps the last duplicate: that is the one edited.
    const dup = inject(
      '{"stream":true,"stream_options":{"a":1},"stream_options":{"include_usage":false}}',
    )
    expect(JSON.parse(dup.body).stream_options).toEqual({ include_usage: true })
  })

  test('leaves other bodies untouched (same bytes)', () => {
    for (const body of [
      '{"stream":true,"stream_options":{"include_usage":true}}',
      '{"stream":false,"model":"gpt-4o"}',
      '{"model":"gpt-4o"}',
      '{"stream":"true"}',
      '[{"stream":true}]',
      'not json',
      '\uFEFF{"stream":true}',
      '',
    ]) {
      const bytes = toBytes(body)
      const result = injectIncludeUsage(bytes)
      expect(result.injected).toBe(false)
      expect(result.body).toBe(bytes)
    }
    const invalid = new Uint8Array([123, 34, 255, 34, 58, 49, 125])
    expect(injectIncludeUsage(invalid)).toEqual({ body: invalid, injected: false })
  })
})

function strip(chunks: Uint8Array[]): string {
  const stripper = createUsageChunkStripper()
  const parts = chunks.map((chunk) => {
    const copy = chunk.slice()
    const out = stripper.push(copy)
    copy.fill(0) // the stripper must not keep views into the caller's buffer
    return text(out)
  })
  return parts.join('') + text(stripper.end())
}

/** Strips `stream` under every chunking; all must give `expected`. */
function stripAll(stream: string, expected: string): void {
  for (const c of chunkings(toBytes(stream))) {
    const out = strip(c.chunks)
    if (out !== expected) expect({ label: c.label, out }).toEqual({ label: c.label, out: expected })
  }
}

describe('usage chunk stripper', () => {
  test('gives back the stream the client asked for, at every split (LF)', () => {
    expect(usageChatStream).toContain('"usage":null')
    stripAll(usageChatStream, plainChatStream)
  })

  test('CRLF and CR line ends are preserved', () => {
    const upstream =
      'data: {"id":"a","choices":[{"delta":{"content":"é"}}],"usage":null}\n\ndata: {"id":"a","choices":[],"usage":{"prompt_tokens":3}}\n\ndata: [DONE]\n\n'
    const client = 'data: {"id":"a","choices":[{"delta":{"content":"é"}}]}\n\ndata: [DONE]\n\n'
    stripAll(upstream.replaceAll('\n', '\r\n'), client.replaceAll('\n', '\r\n'))
    stripAll(upstream.replaceAll('\n', '\r'), client.replaceAll('\n', '\r'))
  })

  test('usage:null first, spaced or alone; other lines and non-null usage untouched', () => {
    const input = [
      ': keep-alive\n\n',
      'data: {"usage": null, "id":"a","choices":[{"delta":{"content":"\\"usage\\":null"}}]}\n\n',
      'data:{"id":"b" , "usage" : null}\n\n',
      'data: {"usage":null}\n\n',
      'data: {"id":"c","choices":[{"delta":{}}],"usage":{"prompt_tokens":1}}\n\n',
      'event: ping\ndata: not json {"usage":null}\n\n',
      'data: {"id":"d","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\r\n\r\n',
      'data: [DONE]\n\n',
    ].join('')
    const expected = [
      ': keep-alive\n\n',
      'data: {"id":"a","choices":[{"delta":{"content":"\\"usage\\":null"}}]}\n\n',
      'data:{"id":"b"}\n\n',
      'data: {}\n\n',
      'data: {"id":"c","choices":[{"delta":{}}],"usage":{"prompt_tokens":1}}\n\n',
      'event: ping\ndata: not json {"usage":null}\n\n',
      'data: [DONE]\n\n',
    ].join('')
    stripAll(input, expected)
  })

  test('a stream without injected usage passes through byte for byte', () => {
    stripAll(plainChatStream, plainChatStream)
    stripAll('data: {"partial', 'data: {"partial')
  })

  test('a line over 1 MiB passes through unedited', () => {
    const long = `data: {"choices":[{"delta":{"content":"${'x'.repeat(1 << 20)}"}}],"usage":null}\n\n`
    const stripper = createUsageChunkStripper()
    const bytes = toBytes(`${long}data: {"usage":null,"id":"z"}\n\n`)
    let out = ''
    for (let i = 0; i < bytes.length; i += 65536)
      out += text(stripper.push(bytes.subarray(i, i + 65536)))
    out += text(stripper.end())
    expect(out).toBe(`${long}data: {"id":"z"}\n\n`)
  })
})
