// JSON-lines sink: one line per record in order, failures reported, private file modes, and
// captured bodies never written.

import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emptyBuckets, type UsageRecord } from '@tokentap/shared'
import { createJsonlSink } from './jsonl.ts'
import type { RecordEnvelope } from './sink.ts'

const dir = mkdtempSync(join(tmpdir(), 'tt-jsonl-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bare = (record: UsageRecord): RecordEnvelope => ({ record, bodies: null })

const record = (id: string): UsageRecord => ({
  ...emptyBuckets(),
  id,
  startedAt: '2026-11-23T00:00:00.000Z',
  durationMs: 1,
  ttfbMs: 1,
  provider: 'anthropic',
  host: 'api.anthropic.com',
  method: 'POST',
  path: '/v1/messages',
  endpoint: 'messages',
  model: 'claude-sonnet-4-5',
  stream: false,
  transport: 'http',
  status: 200,
  outcome: 'ok',
  usageSource: 'provider',
  billable: true,
  responseId: null,
  user: null,
  project: null,
  program: null,
  requestBytes: 1,
  responseBytes: 2,
  error: null,
  parseError: null,
  rawUsage: null,
  credits: null,
  costUsd: null,
  priceSource: null,
  priceVersion: null,
})

describe('jsonl sink', () => {
  test('appends one JSON line per record, in order, creating the directory', async () => {
    const path = join(dir, 'nested', 'usage.jsonl')
    const errors: Error[] = []
    const sink = createJsonlSink(path, (e) => errors.push(e))
    for (let i = 0; i < 100; i++) sink.write(bare(record(`r${i}`)))
    expect(sink.pending()).toBe(100)
    await sink.close()
    const lines = readFileSync(path, 'utf8').trim().split('\n')
    expect(lines.length).toBe(100)
    expect(lines.map((l) => (JSON.parse(l) as UsageRecord).id)).toEqual(
      Array.from({ length: 100 }, (_, i) => `r${i}`),
    )
    expect(errors).toEqual([])
  })
  test('bodies never reach the log: the record alone is written', async () => {
    const path = join(dir, 'bodies.jsonl')
    const sink = createJsonlSink(path, () => {})
    const r = record('b1')
    sink.write({ record: r, bodies: { request: 'PROMPT-TEXT', response: 'ANSWER-TEXT' } })
    await sink.close()
    const text = readFileSync(path, 'utf8')
    expect(JSON.parse(text)).toEqual(r)
    expect(text).not.toContain('PROMPT-TEXT')
    expect(text).not.toContain('ANSWER-TEXT')
  })

  test('reports write failures instead of throwing', async () => {
    const errors: Error[] = []
    const sink = createJsonlSink('/proc/definitely/not/writable.jsonl', (e) => errors.push(e))
    sink.write(bare(record('x')))
    await sink.close()
    expect(errors.length).toBeGreaterThan(0)
  })

  test('usage log is created 0600 in a new 0700 directory', async () => {
    const path = join(dir, 'private', 'usage.jsonl')
    const warnings: string[] = []
    const sink = createJsonlSink(
      path,
      () => {},
      (w) => warnings.push(w),
    )
    sink.write(bare(record('p1')))
    await sink.close()
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600')
    expect((statSync(join(dir, 'private')).mode & 0o777).toString(8)).toBe('700')
    expect(warnings).toEqual([])
  })

  test('an existing usage log readable by others keeps its mode (its owner chose it), with a warning', async () => {
    const path = join(dir, 'shared.jsonl')
    writeFileSync(path, '', { mode: 0o644 })
    const warnings: string[] = []
    const sink = createJsonlSink(
      path,
      () => {},
      (w) => warnings.push(w),
    )
    sink.write(bare(record('s1')))
    await sink.close()
    expect((statSync(path).mode & 0o777).toString(8)).toBe('644')
    expect(warnings).toEqual([
      `TOKENTAP_USAGE_LOG ${path} is readable beyond its owner (mode 0644); its records name users, paths and costs: chmod 600 it unless that is intended`,
    ])
  })
})
