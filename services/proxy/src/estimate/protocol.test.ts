// The worker body: valid jobs are run, anything else (or a throwing run) becomes an error reply.

import { expect, test } from 'bun:test'
import { handleEstimateMessage, isEstimateReply } from './protocol.ts'

const seen = {
  request: { text: '{"input":"hi"}', scale: 1, whole: true },
  output: { text: '', scale: 1 },
}

test('a valid request is run', () => {
  const reply = handleEstimateMessage({ id: 4, job: { model: null, seen } }, () => ({
    inputTokens: 1,
    outputTokens: 0,
    notes: [],
  }))
  expect(reply).toEqual({ id: 4, ok: true, result: { inputTokens: 1, outputTokens: 0, notes: [] } })
  expect(isEstimateReply(reply)).toBe(true)
})

test('malformed requests and throwing runs become error replies', () => {
  for (const bad of [
    null,
    'x',
    { id: 1 },
    { id: 1, job: { model: 3, seen } },
    { id: 1, job: { model: null, seen: { ...seen, output: { text: 1, scale: 1 } } } },
    {
      id: 1,
      job: { model: null, seen: { ...seen, request: { text: '', scale: 0.5, whole: true } } },
    },
  ]) {
    const reply = handleEstimateMessage(bad)
    expect(reply.ok).toBe(false)
    expect(isEstimateReply(reply)).toBe(true)
  }
  const thrown = handleEstimateMessage({ id: 2, job: { model: null, seen } }, () => {
    throw new Error('bad')
  })
  expect(thrown).toEqual({ id: 2, ok: false, error: 'estimate threw: bad' })
})
