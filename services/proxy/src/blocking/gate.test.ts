// The gate end to end without sockets: real dialects, the real pricer, a fixed snapshot.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta } from '@tokentap/shared'
import type { Budget } from '@tokentap/shared/budgets'
import type { Attribution } from '../mitm/context.ts'
import { createPricer } from '../pricing/index.ts'
import { wireFormatDialect } from '../providers/registry.ts'
import { blockedAnswer } from './answer.ts'
import { bodyModel } from './body-model.ts'
import { snapshotOf } from './decide.ts'
import { createFreeModels } from './free-models.ts'
import { requestGate } from './gate.ts'

const NOW = Date.parse('2026-01-15T12:00:00Z')
const WINDOW = { start: new Date('2026-01-15T00:00:00Z'), end: new Date('2026-01-16T00:00:00Z') }
const budget = (o: Partial<Budget> = {}): Budget => ({
  name: 'team-daily',
  period: 'day',
  limitUsd: 50,
  thresholds: [1],
  scope: {},
  counts: 'billed',
  action: 'block',
  ...o,
})
const over = (...bs: Budget[]) =>
  snapshotOf(
    'Europe/Berlin',
    bs.map((b) => ({ budget: b, window: WINDOW, spentUsd: 51.5 })),
  )
const who: Attribution = {
  user: 'alice',
  project: null,
  session: null,
  agent: null,
  agentType: null,
  program: 'claude-code',
  billingKind: 'api_key',
  account: null,
}
const meta = (method: string, path: string, host = 'h'): ExchangeMeta => ({
  host,
  method,
  path,
  requestHeaders: {},
})
const free = createFreeModels(createPricer(), () => NOW)
const anthropic = wireFormatDialect('anthropic', 'anthropic')
const gemini = wireFormatDialect('gemini', 'gemini')
const openrouter = wireFormatDialect('openai', 'openrouter')
const held = (json: unknown, complete = true) => ({
  payload: Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)),
  complete,
  contentEncoding: undefined,
})

describe('requestGate', () => {
  test('Anthropic Messages over a whole-team budget: the body names the model, refused in Anthropic format', () => {
    const gate = requestGate(
      over(budget()),
      anthropic,
      meta('POST', '/v1/messages'),
      who,
      NOW,
      free.isFree,
    )
    expect(gate?.needsBody).toBe(true)
    const refusal = gate?.decide(held({ model: 'claude-sonnet-4-5', stream: true }))
    expect(refusal?.response.status).toBe(400)
    expect(refusal?.message).toStartWith('tokentap: budget "team-daily" is used up: $51.50 spent')
    expect(refusal?.message).toContain('until it resets on Fri 16 Jan 2026 01:00 (Europe/Berlin)')
    expect(JSON.parse(refusal?.response.body ?? '')).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: refusal?.message },
    })
    expect(refusal?.response.headers?.['x-should-retry']).toBe('false')
  })

  test('never blocked: non-billable calls, out of scope, subscription traffic of a billed budget', () => {
    const snap = over(budget())
    for (const path of ['/v1/messages/count_tokens', '/v1/models', '/api/claude_code/settings']) {
      expect(requestGate(snap, anthropic, meta('POST', path), who, NOW, free.isFree)).toBeNull()
    }
    const bob = over(budget({ scope: { user: 'bob' } }))
    expect(
      requestGate(bob, anthropic, meta('POST', '/v1/messages'), who, NOW, free.isFree),
    ).toBeNull()
    const sub = { ...who, billingKind: 'subscription' as const }
    expect(
      requestGate(snap, anthropic, meta('POST', '/v1/messages'), sub, NOW, free.isFree),
    ).toBeNull()
    const all = over(budget({ counts: 'all' }))
    expect(
      requestGate(all, anthropic, meta('POST', '/v1/messages'), sub, NOW, free.isFree),
    ).not.toBeNull()
    // A dialect that cannot tell billable calls apart (Amazon Q) is never gated.
    const q = wireFormatDialect('amazon-q', 'amazon-q')
    expect(requestGate(snap, q, meta('POST', '/'), who, NOW, free.isFree)).toBeNull()
  })

  test('models priced at zero pass; unpriced models do not', () => {
    const snap = over(budget())
    const path = (m: string) => meta('POST', `/v1beta/models/${m}:generateContent`)
    const gemma = requestGate(snap, gemini, path('gemma-3-27b-it'), who, NOW, free.isFree)
    expect(gemma?.needsBody).toBe(false)
    expect(gemma?.decide(null)).toBeNull()
    const pro = requestGate(snap, gemini, path('gemini-2.5-pro'), who, NOW, free.isFree)
    const refusal = pro?.decide(null)
    expect(JSON.parse(refusal?.response.body ?? '')).toEqual({
      error: { code: 400, message: refusal?.message, status: 'FAILED_PRECONDITION' },
    })
    const unknown = requestGate(snap, gemini, path('gemini-next-unpriced'), who, NOW, free.isFree)
    expect(unknown?.decide(null)?.response.status).toBe(400)
    const router = requestGate(
      snap,
      openrouter,
      meta('POST', '/api/v1/chat/completions', 'openrouter.ai'),
      who,
      NOW,
      free.isFree,
    )
    expect(router?.decide(held({ model: 'deepseek/deepseek-r1:free' }))).toBeNull()
    expect(router?.decide(held({ model: 'openai/gpt-4o' }))?.response.status).toBe(400)
  })

  test('a model-scoped budget: the held body decides; an unreadable model is not that model', () => {
    const snap = over(budget({ name: 'opus', scope: { model: 'claude-opus-4-1' } }))
    const gate = requestGate(snap, anthropic, meta('POST', '/v1/messages'), who, NOW, free.isFree)
    expect(gate?.decide(held({ model: 'claude-sonnet-4-5' }))).toBeNull()
    expect(gate?.decide(held({ model: 'claude-opus-4-1' }))?.message).toContain('"opus"')
    // Cut at the hold bound: the head still names it (clients write `model` first).
    const cut = held('{"model":"claude-opus-4-1","messages":[{"role":"user","content":"', false)
    expect(gate?.decide(cut)?.message).toContain('"opus"')
    expect(
      gate?.decide({ ...held({ model: 'claude-opus-4-1' }), contentEncoding: 'gzip' }),
    ).toBeNull()
    expect(gate?.decide(null)).toBeNull()
  })

  test('the Responses WebSocket upgrade has no body: judged with the model unknown', () => {
    const openai = wireFormatDialect('openai', 'openai')
    const m = { ...meta('GET', '/v1/responses'), requestHeaders: { upgrade: 'websocket' } }
    const gate = requestGate(over(budget()), openai, m, who, NOW, free.isFree)
    const refusal = gate?.decide(held('', true))
    expect(JSON.parse(refusal?.response.body ?? '')).toEqual({
      error: {
        message: refusal?.message,
        type: 'invalid_request_error',
        param: null,
        code: 'budget_exceeded',
      },
    })
  })
})

describe('bodyModel', () => {
  test('top-level model of a whole body; a nested one is not it', () => {
    expect(bodyModel(Buffer.from('{"model":"a","x":{"model":"b"}}'), true, undefined)).toBe('a')
    expect(bodyModel(Buffer.from('{"x":{"model":"b"}}'), true, undefined)).toBeNull()
    expect(bodyModel(Buffer.from('{"model":"a"}'), true, 'identity')).toBe('a')
    expect(bodyModel(Buffer.from('{"model":"a"}'), true, 'zstd')).toBeNull()
    expect(bodyModel(Buffer.from('[1]'), true, undefined)).toBeNull()
    expect(bodyModel(Buffer.from('{"model":"a", "mess'), false, undefined)).toBe('a')
    expect(bodyModel(Buffer.from(''), true, undefined)).toBeNull()
  })
})

describe('blockedAnswer', () => {
  test('AWS: a JSON message and the error type header', () => {
    const a = blockedAnswer('aws', 'no')
    expect(a).toMatchObject({ status: 400, contentType: 'application/json' })
    expect(JSON.parse(a.body)).toEqual({ message: 'no' })
    expect(a.headers).toEqual({
      'x-should-retry': 'false',
      'x-tokentap-error': 'budget',
      'x-amzn-errortype': 'ValidationException',
    })
  })

  test('no status a client retries (408, 409, 429, 5xx) for any format', () => {
    for (const f of ['anthropic', 'openai', 'google', 'aws'] as const) {
      const { status } = blockedAnswer(f, 'x')
      expect([408, 409, 429].includes(status) || status >= 500).toBe(false)
    }
  })
})
