import { describe, expect, test } from 'bun:test'
import type { WsMessage } from '@tokentap/shared'
import { createWsLimitTap, readWsEvent } from './ws.ts'

const AT = Date.parse('2026-03-02T10:00:00Z')
const text = (direction: 'client' | 'server', o: unknown): WsMessage => ({
  direction,
  opcode: 1,
  data: new TextEncoder().encode(JSON.stringify(o)),
})

describe('WebSocket limits', () => {
  test('codex.rate_limits events are merged until taken; later windows win', () => {
    const tap = createWsLimitTap()
    tap.message(
      text('server', {
        type: 'codex.rate_limits',
        rate_limits: { primary: { used_percent: 10, window_minutes: 300, reset_at: 1772460000 } },
      }),
      AT,
    )
    tap.message(text('server', { type: 'response.created', response: { id: 'r1' } }), AT + 1)
    tap.message(
      text('server', {
        type: 'codex.rate_limits',
        rate_limits: { primary: { used_percent: 11, window_minutes: 300, reset_at: 1772460000 } },
      }),
      AT + 2,
    )
    // a client message never counts, even if it looks like one
    tap.message(text('client', { type: 'codex.rate_limits', rate_limits: {} }), AT + 3)
    const r = tap.take()
    expect(r?.windows['codex-primary']?.used).toBe(0.11)
    expect(r?.observedAt).toBe(AT + 2)
    expect(tap.take()).toBeNull()
  })

  test('a rate-limit error event counts as rate limited, with its headers', () => {
    const r = readWsEvent(
      JSON.stringify({
        type: 'error',
        status: 429,
        error: { type: 'usage_limit_reached', message: 'The usage limit has been reached' },
        headers: { 'x-codex-primary-used-percent': '100.0', 'x-codex-primary-window-minutes': 15 },
      }),
      AT,
    )
    expect(r?.rateLimited).toBe(1)
    expect(r?.windows['codex-primary']).toMatchObject({ used: 1, minutes: 15 })
    expect(readWsEvent('{"type":"error","status":400,"error":{}}', AT)).toBeNull()
    expect(readWsEvent('{"type":"error"', AT)).toBeNull()
  })
})
