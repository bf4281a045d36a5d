// The estimator worker's message protocol: requests `{ id, job }`, replies `{ id, ok, … }`.
// `handleEstimateMessage` is the whole worker body, pure and testable: it validates what it is
// given and turns any failure into an error reply, so the worker never dies on bad input.

import type { SeenText } from '@tokentap/shared'
import { type EstimateJob, type EstimateResult, runEstimateJob } from './job.ts'

export interface EstimateRequest {
  id: number
  job: EstimateJob
}

export type EstimateReply =
  | { id: number; ok: true; result: EstimateResult }
  | { id: number; ok: false; error: string }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null

function isSample(v: unknown): v is { text: string; scale: number } {
  return isObj(v) && typeof v.text === 'string' && typeof v.scale === 'number' && v.scale >= 1
}

function isSeen(v: unknown): v is SeenText {
  return (
    isObj(v) &&
    isSample(v.request) &&
    typeof (v.request as Obj).whole === 'boolean' &&
    isSample(v.output) &&
    (v.reason === undefined || typeof v.reason === 'string')
  )
}

export function isEstimateRequest(v: unknown): v is EstimateRequest {
  if (!isObj(v) || typeof v.id !== 'number' || !isObj(v.job)) return false
  const model = v.job.model
  return (model === null || typeof model === 'string') && isSeen(v.job.seen)
}

export function isEstimateReply(v: unknown): v is EstimateReply {
  if (!isObj(v) || typeof v.id !== 'number') return false
  if (v.ok === false) return typeof v.error === 'string'
  const r = v.result
  return (
    v.ok === true &&
    isObj(r) &&
    typeof r.inputTokens === 'number' &&
    typeof r.outputTokens === 'number' &&
    Array.isArray(r.notes)
  )
}

export function handleEstimateMessage(
  data: unknown,
  run: (job: EstimateJob) => EstimateResult = runEstimateJob,
): EstimateReply {
  const id = isObj(data) && typeof data.id === 'number' ? data.id : -1
  if (!isEstimateRequest(data)) return { id, ok: false, error: 'malformed estimate request' }
  try {
    return { id, ok: true, result: run(data.job) }
  } catch (e) {
    return { id, ok: false, error: `estimate threw: ${(e as Error)?.message ?? String(e)}` }
  }
}
