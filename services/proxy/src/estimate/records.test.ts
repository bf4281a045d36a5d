// Records around the estimator: written at once when no estimate is needed, after it otherwise,
// flagged when it fails; drain waits for the ones still out.

import { expect, test } from 'bun:test'
import type { ParsedUsage, SeenText } from '@tokentap/shared'
import type { EstimateOutcome, Estimator } from './estimator.ts'
import { createRecordEstimates } from './records.ts'

const usage: ParsedUsage = {
  provider: 'openai',
  model: 'gpt-4o',
  usageSource: 'none',
  billable: true,
}
const seen: SeenText = {
  request: { text: '{"input":"hi"}', scale: 1, whole: true },
  output: { text: 'Hello', scale: 1 },
}
const end = { outcome: 'ok', status: 200 } as const

function manualEstimator(): Estimator & { answer(o: EstimateOutcome): void; closed: boolean } {
  const waiting: ((o: EstimateOutcome) => void)[] = []
  return {
    started: true,
    closed: false,
    get pending() {
      return waiting.length
    },
    estimate: () => new Promise((r) => waiting.push(r)),
    answer: (o) => waiting.shift()?.(o),
    close() {
      this.closed = true
    },
  }
}

test('no estimate needed: written at once', () => {
  const est = manualEstimator()
  const written: ParsedUsage[] = []
  const r = createRecordEstimates(est)
  expect(
    r.emit({ ...usage, usageSource: 'provider' }, seen, end, (u) => written.push(u)),
  ).toBeNull()
  expect(r.emit(usage, null, end, (u) => written.push(u))).toBeNull()
  expect(written).toHaveLength(2)
  expect(est.pending).toBe(0)
})

test('waits for the estimate, then writes once; drain covers it', async () => {
  const est = manualEstimator()
  const written: ParsedUsage[] = []
  const r = createRecordEstimates(est)
  const p = r.emit(usage, seen, end, (u) => written.push(u))
  expect(p).not.toBeNull()
  expect(written).toHaveLength(0)
  expect(r.waiting).toBe(1)
  const drained = r.drain()
  est.answer({ ok: true, result: { inputTokens: 3, outputTokens: 1, notes: [] } })
  await drained
  expect(written).toEqual([
    {
      ...usage,
      usageSource: 'estimated',
      inputTokens: 3,
      outputTokens: 1,
      cacheReadTokens: null,
      cacheWrite5mTokens: null,
      cacheWrite1hTokens: null,
      reasoningTokens: null,
      parseError: null,
    },
  ])
  expect(r.waiting).toBe(0)
})

test('a failed estimate still writes the record, unknown and flagged; a throwing write is reported', async () => {
  const est = manualEstimator()
  const errors: unknown[] = []
  const written: ParsedUsage[] = []
  const r = createRecordEstimates(est, (e) => errors.push(e))
  const p = r.emit(usage, seen, end, (u) => written.push(u))
  est.answer({ ok: false, reason: 'estimator queue full (256)' })
  await p
  expect(written[0]).toMatchObject({
    usageSource: 'none',
    parseError: 'no estimate: estimator queue full (256)',
  })
  const q = r.emit(usage, seen, end, () => {
    throw new Error('sink down')
  })
  est.answer({ ok: false, reason: 'x' })
  await q
  expect(errors).toHaveLength(1)
  r.close()
  expect(est.closed).toBe(true)
})
