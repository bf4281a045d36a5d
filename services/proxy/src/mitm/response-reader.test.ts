import { describe, expect, test } from 'bun:test'
import { type ResponseEvent, ResponseReader } from './response-reader.ts'

const b = (s: string): Buffer => Buffer.from(s, 'latin1')

/** Feeds `wire` split at `cut`; joins what was forwarded and the payload for the parser. */
function run(
  method: string,
  wire: string,
  cut: number,
  opts = { upgradeRequested: false, clientClose: false },
) {
  const r = new ResponseReader(method, 65536, opts)
  const events: ResponseEvent[] = []
  for (const part of [wire.slice(0, cut), wire.slice(cut)])
    if (part) events.push(...r.push(b(part)))
  const forwarded = events
    .filter((e) => e.kind === 'forward')
    .map((e) => (e.kind === 'forward' ? e.bytes.toString('latin1') : ''))
    .join('')
  const payload = events
    .flatMap((e) => (e.kind === 'payload' ? e.chunks : []))
    .map((c) => Buffer.from(c).toString('latin1'))
    .join('')
  const kinds = events.map((e) => e.kind).filter((k) => k !== 'forward' && k !== 'payload')
  return { r, forwarded, payload, kinds, events }
}

describe('ResponseReader', () => {
  const CHUNKED = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'
  test('forwards every byte exactly, once, at any split; payload without framing', () => {
    for (let cut = 1; cut < CHUNKED.length; cut++) {
      const { forwarded, payload, kinds } = run('GET', CHUNKED, cut)
      expect([cut, forwarded, payload]).toEqual([cut, CHUNKED, 'abc'])
      expect(kinds).toEqual(['head', 'done'])
    }
  })
  test('a small response arrives in one forward (head and body together)', () => {
    const wire = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'
    const { events } = run('GET', wire, wire.length)
    const forwards = events.filter((e) => e.kind === 'forward')
    expect(forwards).toEqual([{ kind: 'forward', bytes: b(wire), bodyBytes: 2 }])
    // The head is announced before its bytes go out, so the exchange can pick the body's path.
    expect(events.map((e) => e.kind)).toEqual(['head', 'forward', 'payload', 'done'])
  })
  test('1xx interim heads are forwarded and skipped', () => {
    const wire = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'
    const { forwarded, kinds, r } = run('POST', wire, 10)
    expect(forwarded).toBe(wire)
    expect(kinds).toEqual(['head', 'done'])
    expect(r.head?.status).toBe(204)
  })
  test('HEAD responses have no body even with content-length', () => {
    const { kinds } = run('HEAD', 'HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n', 5)
    expect(kinds).toEqual(['head', 'done'])
  })
  test('close-delimited bodies end at end of stream and are not reusable', () => {
    const { r, kinds } = run('GET', 'HTTP/1.1 200 OK\r\n\r\nstreaming...', 3)
    expect(kinds).toEqual(['head'])
    expect(r.closeDelimited).toBe(true)
    expect(r.endOfStream()).toBe(true)
  })
  test('a length-delimited body cut short is not complete at end of stream', () => {
    const { r } = run('GET', 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', 3)
    expect(r.closeDelimited).toBe(false)
    expect(r.endOfStream()).toBe(false)
  })
  test('101 hands over what followed the head', () => {
    const wire = 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n\x81\x02hi'
    const { events } = run('GET', wire, wire.length, { upgradeRequested: true, clientClose: false })
    expect(events.map((e) => e.kind)).toEqual(['forward', 'upgrade'])
    const fwd = events[0]
    expect(fwd?.kind === 'forward' && fwd.bytes.toString('latin1')).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    )
    const up = events[1]
    expect(up?.kind === 'upgrade' && up.rest.toString('latin1')).toBe('\x81\x02hi')
  })
  test('a 101 the request did not ask for is an error, nothing forwarded', () => {
    const wire = 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n'
    expect(run('GET', wire, wire.length).events).toEqual([
      { kind: 'error', message: 'upstream sent a 101 the request did not ask for' },
    ])
  })
  test('the head is rebuilt: hop-by-hop fields dropped, Connection: close when the client goes', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n' +
      'Content-Length: 2\r\nContent-Length: 2\r\n\r\nok'
    const { forwarded, r } = run('GET', wire, wire.length, {
      upgradeRequested: false,
      clientClose: true,
    })
    expect(forwarded).toBe('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
    expect(r.announcedClose).toBe(true)
  })
  test('CL together with TE, a bare LF in a header, differing CLs: errors, nothing forwarded', () => {
    for (const wire of [
      'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nx: a\ncontent-length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab',
      'HTTP/1.1 200 OK\r\nx: a\r\n obs-fold\r\ncontent-length: 0\r\n\r\n',
    ]) {
      const { events } = run('GET', wire, wire.length)
      expect([wire, events.map((e) => e.kind)]).toEqual([wire, ['error']])
    }
  })
  test('a body the framer refuses is not forwarded, not even its head when still unsent', () => {
    const wire = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n5 \r\nhello'
    const { events } = run('GET', wire, wire.length)
    expect(events.map((e) => e.kind)).toEqual(['head', 'error'])
  })
  test('extra bytes after a complete body are reported', () => {
    const { events } = run('GET', 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nxEXTRA', 100)
    expect(events.at(-1)).toEqual({ kind: 'done', extraBytes: true })
  })
  test('malformed heads and bodies are errors', () => {
    expect(run('GET', 'NOT HTTP\r\n\r\n', 100).kinds).toEqual(['error'])
    const bad = run('GET', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 100)
    expect(bad.kinds).toEqual(['head', 'error'])
  })
})
