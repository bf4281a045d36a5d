import { describe, expect, test } from 'bun:test'
import { probeFailure, probeTarget, SSL_REQUEST } from './probe.ts'

describe('Postgres probe', () => {
  test('the SSLRequest is length 8, code 80877103', () => {
    expect(SSL_REQUEST.readInt32BE(0)).toBe(8)
    expect(SSL_REQUEST.readInt32BE(4)).toBe(80877103)
  })

  test('probes plain host URLs only', () => {
    expect(probeTarget('postgres://u:p@db.internal:6543/x')).toEqual({
      host: 'db.internal',
      port: 6543,
    })
    expect(probeTarget('postgresql://u@127.0.0.1/x')).toEqual({ host: '127.0.0.1', port: 5432 })
    expect(probeTarget('postgres://u@[::1]:5433/x')).toEqual({ host: '::1', port: 5433 })
    expect(probeTarget('postgres://u@/x?host=/var/run/postgresql')).toBeNull()
    expect(probeTarget('mysql://u@h/x')).toBeNull()
    expect(probeTarget('not a url')).toBeNull()
  })

  test('S, N and E are Postgres answers; anything else is named', () => {
    for (const b of ['S', 'N', 'E']) expect(probeFailure(Buffer.from(b), null, 'h:1')).toBeNull()
    expect(probeFailure(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), null, 'h:1')).toBe(
      'h:1 does not speak the Postgres protocol (it answered "HTTP/1.1 400 Bad Request")',
    )
    expect(probeFailure(Buffer.alloc(0), 'ECONNREFUSED', 'h:1')).toBe('nothing listens on h:1')
    expect(probeFailure(Buffer.alloc(0), 'closed', 'h:1')).toContain('closed the connection')
    expect(probeFailure(Buffer.alloc(0), 'EHOSTUNREACH', 'h:1')).toBe(
      'cannot connect to h:1 (EHOSTUNREACH)',
    )
    expect(probeFailure(Buffer.alloc(0), null, 'h:1')).toBe('no answer from h:1')
  })
})
