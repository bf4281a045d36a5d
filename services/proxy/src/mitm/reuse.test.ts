import { describe, expect, test } from 'bun:test'
import { type ExchangeEndState, reuseAfter } from './reuse.ts'

const clean: ExchangeEndState = {
  requestDone: true,
  extraBytes: false,
  closeDelimited: false,
  responseClose: false,
  requestVersion: '1.1',
  upgradeRequested: false,
  clientClose: false,
  announcedClose: false,
}

describe('connection reuse after an exchange', () => {
  test('both connections stay after two messages that ended on parsed boundaries', () => {
    expect(reuseAfter(clean)).toEqual({ upstream: true, client: true })
  })
  test('an upstream connection is never pooled unless both sides ended on a parsed boundary', () => {
    for (const [why, change] of [
      ['request body not fully framed and sent', { requestDone: false }],
      ['extra bytes after the response', { extraBytes: true }],
      ['close-delimited response', { closeDelimited: true }],
      ['upstream said close', { responseClose: true }],
      ['HTTP/1.0 request', { requestVersion: '1.0' }],
      ['an upgrade was asked for', { upgradeRequested: true }],
    ] as const) {
      expect([why, reuseAfter({ ...clean, ...change })]).toEqual([
        why,
        { upstream: false, client: false },
      ])
    }
  })
  test('a client that asked to close, or was told so, is closed; the upstream stays pooled', () => {
    expect(reuseAfter({ ...clean, clientClose: true })).toEqual({ upstream: true, client: false })
    expect(reuseAfter({ ...clean, announcedClose: true })).toEqual({
      upstream: true,
      client: false,
    })
  })
})
