// The record pipeline with fakes (no sockets, no worker): each result is written exactly once —
// at once when no estimate is needed, after it otherwise, flagged when the estimator is full,
// unpriced when the pricer throws, once even when a sink throws — and its bodies travel in the
// envelope beside the record, so a sink that copies the record keeps them.

import { describe, expect, test } from 'bun:test'
import type { ParsedUsage, SeenText, UsageRecord } from '@tokentap/shared'
import type { CapturedBodies } from '../capture/dialect.ts'
import { createEstimator, type Estimator, type WorkerPort } from '../estimate/estimator.ts'
import type { EstimateRequest } from '../estimate/protocol.ts'
import { createPricer, type Pricer } from '../pricing/index.ts'
import { fanOut, type RecordEnvelope, type UsageSink } from '../sink/sink.ts'
import { createRecordPipeline, type PipelineStage, type RecordPipelineDeps } from './pipeline.ts'
import type { ExchangeFacts, ExchangeResult } from './result.ts'

const facts: ExchangeFacts = {
  startedAt: Date.parse('2026-03-01T10:00:00Z'),
  endedAt: Date.parse('2026-03-01T10:00:02Z'),
  firstByteAt: Date.parse('2026-03-01T10:00:01Z'),
  host: 'api.openai.com',
  method: 'POST',
  path: '/v1/chat/completions',
  transport: 'http',
  status: 200,
  outcome: 'ok',
  user: 'alice',
  project: null,
  session: null,
  agent: null,
  agentType: null,
  program: 'curl',
  billingKind: 'subscription',
  account: 'a1a1a1a1a1a1a1a1a1a1',
  requestBytes: 40,
  responseBytes: 120,
  error: null,
}
const seen: SeenText = {
  request: {
    text: '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}',
    scale: 1,
    whole: true,
  },
  output: { text: 'Hello there', scale: 1 },
}
const provided: ParsedUsage = {
  provider: 'openai',
  model: 'gpt-4o',
  usageSource: 'provider',
  billable: true,
  inputTokens: 10,
  outputTokens: 3,
}
/** Usage the provider did not report, with text seen: the policy asks for an estimate. */
const unknown: ParsedUsage = {
  provider: 'openai',
  model: 'gpt-4o',
  usageSource: 'none',
  billable: true,
}
const bodies: CapturedBodies = { request: '{"messages":[]}', response: '{"choices":[]}' }

const result = (usage: ParsedUsage, more: Partial<ExchangeResult> = {}): ExchangeResult => ({
  facts,
  usage,
  seen,
  bodies: null,
  limits: null,
  ...more,
})

interface Memory extends UsageSink {
  envelopes: RecordEnvelope[]
}
function memory(): Memory {
  const envelopes: RecordEnvelope[] = []
  return {
    envelopes,
    write: (e) => void envelopes.push(e),
    pending: () => 0,
    close: async () => {},
  }
}

/** A sink that keeps its own copy of each record (as a serialising or batching sink might). */
function copying(): Memory {
  const envelopes: RecordEnvelope[] = []
  return {
    envelopes,
    write: (e) => void envelopes.push({ record: { ...e.record }, bodies: e.bodies }),
    pending: () => 0,
    close: async () => {},
  }
}

/** The real estimator over a fake worker: jobs wait until the test answers them. */
function fakeWorker(): { port: WorkerPort; posted: EstimateRequest[]; answer(id: number): void } {
  const posted: EstimateRequest[] = []
  const port: WorkerPort = {
    postMessage: (m) => void posted.push(m),
    onmessage: null,
    onerror: null,
    terminate: () => {},
  }
  return {
    port,
    posted,
    answer: (id) =>
      port.onmessage?.({
        data: { id, ok: true, result: { inputTokens: 21, outputTokens: 4, notes: [] } },
      }),
  }
}
const noTimers = { set: () => 0, clear: () => {} }

function pipeline(over: Partial<RecordPipelineDeps> = {}) {
  const sink = memory()
  const errors: [PipelineStage, unknown][] = []
  const seenRecords: UsageRecord[] = []
  let n = 0
  const p = createRecordPipeline({
    newId: () => `id-${++n}`,
    pricer: createPricer(),
    sink,
    estimator: null,
    onRecord: (r) => void seenRecords.push(r),
    onError: (stage, e) => void errors.push([stage, e]),
    defer: (job) => job(),
    ...over,
  })
  return { p, sink, errors, seenRecords }
}

describe('record pipeline', () => {
  test('no estimate needed: one record at once, built, priced, its bodies beside it', () => {
    const worker = fakeWorker()
    const estimator = createEstimator({ spawn: () => worker.port, timers: noTimers })
    const { p, sink, errors, seenRecords } = pipeline({ estimator })
    p.submit(result(provided, { bodies }))
    expect(sink.envelopes).toHaveLength(1)
    const { record, bodies: carried } = sink.envelopes[0]!
    expect(record).toMatchObject({
      id: 'id-1',
      provider: 'openai',
      usageSource: 'provider',
      inputTokens: 10,
      durationMs: 2000,
      ttfbMs: 1000,
      priceSource: 'genai-prices',
    })
    expect(record.costUsd).toBeGreaterThan(0)
    expect(carried).toBe(bodies)
    expect(Object.values(record)).not.toContain(bodies.request)
    expect(seenRecords).toEqual([record])
    expect(p.waiting).toBe(0)
    expect(worker.posted).toHaveLength(0)
    expect(errors).toEqual([])
  })

  test('a submitted result waits for its idle slice; drain waits for the slice too', async () => {
    const jobs: (() => void)[] = []
    const { p, sink } = pipeline({ defer: (job) => void jobs.push(job) })
    p.submit(result(provided))
    p.submit(result(provided))
    expect(sink.envelopes).toHaveLength(0)
    expect(jobs).toHaveLength(2)
    let drained = false
    const draining = p.drain().then(() => {
      drained = true
    })
    await Bun.sleep(0)
    expect(drained).toBe(false)
    for (const job of jobs) job()
    await draining
    expect(sink.envelopes.map((e) => e.record.id)).toEqual(['id-1', 'id-2'])
  })

  test('billing kind and account reach the record; the limits reading travels beside it', () => {
    const { p, sink } = pipeline()
    const limits = { observedAt: facts.startedAt, windows: {}, status: 'allowed', rateLimited: 0 }
    p.submit(result(provided, { limits }))
    expect(sink.envelopes).toHaveLength(1)
    expect(sink.envelopes[0]!.record).toMatchObject({
      billingKind: 'subscription',
      account: 'a1a1a1a1a1a1a1a1a1a1',
    })
    expect(sink.envelopes[0]!.limits).toBe(limits)
    expect(JSON.stringify(sink.envelopes[0]!.record)).not.toContain('allowed')
  })

  test('estimates off: a result that would need one is written at once, unestimated', () => {
    const { p, sink } = pipeline()
    p.submit(result(unknown))
    expect(sink.envelopes.map((e) => e.record.usageSource)).toEqual(['none'])
  })

  test('estimate needed: the record waits for it, is written once, and drain covers it', async () => {
    const worker = fakeWorker()
    const estimator = createEstimator({ spawn: () => worker.port, timers: noTimers })
    const { p, sink, errors } = pipeline({ estimator })
    p.submit(result(unknown, { bodies }))
    expect(sink.envelopes).toHaveLength(0)
    expect(p.waiting).toBe(1)
    const drained = p.drain()
    worker.answer(worker.posted[0]!.id)
    await drained
    expect(p.waiting).toBe(0)
    expect(sink.envelopes).toHaveLength(1)
    expect(sink.envelopes[0]!.record).toMatchObject({
      usageSource: 'estimated',
      inputTokens: 21,
      outputTokens: 4,
    })
    expect(sink.envelopes[0]!.bodies).toBe(bodies)
    expect(errors).toEqual([])
  })

  test('estimator full: the record is written at once, unknown and flagged', async () => {
    const worker = fakeWorker()
    const estimator = createEstimator({ spawn: () => worker.port, timers: noTimers, maxQueue: 1 })
    const { p, sink } = pipeline({ estimator })
    p.submit(result(unknown, { bodies: { request: 'first', response: null } }))
    p.submit(result(unknown, { bodies: { request: 'second', response: null } }))
    await new Promise((r) => setImmediate(r)) // the refusal settles on microtasks
    expect(sink.envelopes.map((e) => [e.bodies?.request, e.record.parseError])).toEqual([
      ['second', 'no estimate: estimator queue full (1)'],
    ])
    expect(p.waiting).toBe(1)
    worker.answer(worker.posted[0]!.id)
    await p.drain()
    expect(sink.envelopes.map((e) => [e.bodies?.request, e.record.usageSource])).toEqual([
      ['second', 'none'],
      ['first', 'estimated'],
    ])
  })

  test('an estimator that rejects: written once, flagged; one that throws: written once', async () => {
    const rejecting: Estimator = {
      started: true,
      pending: 0,
      estimate: () => Promise.reject(new Error('worker exploded')),
      close: () => {},
    }
    const a = pipeline({ estimator: rejecting })
    a.p.submit(result(unknown))
    await a.p.drain()
    expect(a.sink.envelopes.map((e) => e.record.parseError)).toEqual([
      'no estimate: Error: worker exploded',
    ])
    const throwing: Estimator = {
      ...rejecting,
      estimate: () => {
        throw new Error('not even a promise')
      },
    }
    const b = pipeline({ estimator: throwing })
    b.p.submit(result(unknown))
    await b.p.drain()
    expect(b.sink.envelopes.map((e) => e.record.usageSource)).toEqual(['none'])
    expect(b.errors.map(([stage]) => stage)).toEqual(['estimate'])
  })

  test('a pricer that throws: the record is written once, unpriced, and the fault reported', () => {
    const broken: Pricer = {
      price: () => {
        throw new Error('price table corrupt')
      },
    }
    const { p, sink, errors } = pipeline({ pricer: broken })
    p.submit(result(provided, { bodies }))
    expect(sink.envelopes).toHaveLength(1)
    expect(sink.envelopes[0]!.record).toMatchObject({ costUsd: null, priceSource: null })
    expect(sink.envelopes[0]!.bodies).toBe(bodies)
    expect(errors.map(([stage, e]) => [stage, (e as Error).message])).toEqual([
      ['price', 'price table corrupt'],
    ])
  })

  test('a sink that throws: reported, never retried; the other sinks get the record once', () => {
    let calls = 0
    const throwing: UsageSink = {
      write: () => {
        calls++
        throw new Error('disk full')
      },
      pending: () => 0,
      close: async () => {},
    }
    const alone = pipeline({ sink: throwing })
    alone.p.submit(result(provided))
    expect(calls).toBe(1)
    expect(alone.errors.map(([stage]) => stage)).toEqual(['sink'])

    const kept = memory()
    const copy = copying()
    const sinkErrors: unknown[] = []
    const both = pipeline({ sink: fanOut([throwing, kept, copy], (e) => sinkErrors.push(e)) })
    both.p.submit(result(provided, { bodies }))
    expect(calls).toBe(2)
    expect(sinkErrors).toHaveLength(1)
    expect(kept.envelopes).toHaveLength(1)
    expect(copy.envelopes).toHaveLength(1)
    expect(both.errors).toEqual([])
  })

  test('a sink that copies the record keeps its bodies; each record keeps its own', async () => {
    const worker = fakeWorker()
    const estimator = createEstimator({ spawn: () => worker.port, timers: noTimers })
    const copy = copying()
    const { p } = pipeline({ sink: copy, estimator })
    const a: CapturedBodies = { request: 'A', response: 'a' }
    const b: CapturedBodies = { request: 'B', response: null }
    p.submit(result(unknown, { bodies: a })) // waits for its estimate: written second
    p.submit(result(provided, { bodies: b }))
    p.submit(result(provided))
    worker.answer(worker.posted[0]!.id)
    await p.drain()
    expect(copy.envelopes.map((e) => [e.record.id, e.record.usageSource, e.bodies])).toEqual([
      ['id-1', 'provider', b],
      ['id-2', 'provider', null],
      ['id-3', 'estimated', a],
    ])
  })
})
