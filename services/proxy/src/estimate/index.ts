// Token estimates (usage_source = estimated) for exchanges without provider usage: a lazily
// started worker (estimator.ts, worker.ts) runs jobs (job.ts) chosen by policy.ts.

export { createEstimator, type EstimateOutcome, type Estimator } from './estimator.ts'
export { type EstimateJob, type EstimateResult, runEstimateJob } from './job.ts'
export { applyEstimate, needsEstimate } from './policy.ts'
export { extractRequestText } from './request-text.ts'
export {
  countTokens,
  type EncodingName,
  encodingForModel,
  estimateTokens,
  preloadEncodings,
} from './tokens.ts'
