import { describe, expect, test } from 'bun:test'
import { strictParse } from './strict-parser.ts'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')

// The checks below rely on llhttp being strict; if a Bun release swapped it for a lenient
// parser they would pass vacuously, so its strictness is tested first.
describe('the strict parser the framing tests use (llhttp under Bun)', () => {
  test('is strict: bare LF, CL with TE, duplicate CL, space after a chunk size are errors', () => {
    for (const wire of [
      'GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\nx\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n',
    ])
      expect([wire, strictParse('request', b(wire)).error !== null]).toEqual([wire, true])
  })
  test('reports message boundaries, bodies, partial messages and HEAD responses', () => {
    const two = strictParse(
      'request',
      b(
        'POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HT',
      ),
    )
    expect(two.messages.map((m) => [m.method, m.url, m.body.toString()])).toEqual([
      ['POST', '/a', 'hi'],
      ['GET', '/b', ''],
    ])
    expect(two).toMatchObject({ error: null, partial: true })
    const head = strictParse('response', b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'), [
      'HEAD',
    ])
    expect(head).toMatchObject({ error: null, partial: false, messages: [{ status: 200 }] })
  })
})
