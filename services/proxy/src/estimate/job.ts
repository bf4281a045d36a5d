// One estimate job, pure: the bounded text an exchange carried (SeenText) → input and output
// token counts. A whole request body is reduced to its prompt text (request-text.ts); a request
// kept only as a sample has the string values of its fragments counted and scaled by its size,
// and the output sample is scaled the same way — both flagged in `notes`. Runs inside the estimator worker.

import type { SeenText } from '@tokentap/shared'
import { extractRequestText, looseRequestText } from './request-text.ts'
import { countTokens, encodingForModel } from './tokens.ts'

export interface EstimateJob {
  model: string | null
  seen: SeenText
}

export interface EstimateResult {
  inputTokens: number
  outputTokens: number
  /** What makes this estimate rougher than usual (empty when nothing). */
  notes: string[]
}

export function runEstimateJob(job: EstimateJob): EstimateResult {
  const encoding = encodingForModel(job.model)
  const notes: string[] = []
  const { request, output } = job.seen
  let inputTokens: number
  if (request.whole) {
    inputTokens = countTokens(extractRequestText(request.text), encoding)
  } else {
    // Sampled windows of raw JSON: count the string values found, scaled by the body's size.
    const text = looseRequestText(request.text)
    const share = request.text.length > 0 ? text.length / request.text.length : 0
    inputTokens = Math.round(countTokens(text, encoding) * request.scale)
    notes.push(
      `request too large to keep whole: input estimated from a sample (${Math.round(share * 100)}% text)`,
    )
  }
  const outputTokens = Math.round(countTokens(output.text, encoding) * output.scale)
  if (output.scale > 1) notes.push('output over the capture cap: scaled from its size')
  return { inputTokens, outputTokens, notes }
}
