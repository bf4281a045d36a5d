// Bedrock Runtime routes: `/model/{modelId}/{operation}`, where modelId is URL-encoded (a model
// id like `us.anthropic.claude-sonnet-4-5-20250929-v1%3A0`, or an inference-profile ARN with
// encoded `:` and `/`). Pure.

import { barePath, safeDecode } from '../common/record.ts'

export type BedrockOperation =
  | 'invoke'
  | 'invoke-with-response-stream'
  | 'converse'
  | 'converse-stream'
  | 'count-tokens'

export interface BedrockRoute {
  operation: BedrockOperation | null
  /** The operation name, or the bare path for anything else. */
  endpoint: string
  billable: boolean
  /** The decoded model id (or ARN), else null. */
  modelId: string | null
}

const OPERATIONS: ReadonlySet<string> = new Set([
  'invoke',
  'invoke-with-response-stream',
  'converse',
  'converse-stream',
  'count-tokens',
])

export function classifyBedrockPath(path: string): BedrockRoute {
  const bare = barePath(path)
  const match = /^\/model\/(.+)\/([a-z-]+)$/.exec(bare)
  const operation = match?.[2]
  if (match === null || operation === undefined || !OPERATIONS.has(operation)) {
    return { operation: null, endpoint: bare, billable: false, modelId: null }
  }
  return {
    operation: operation as BedrockOperation,
    endpoint: operation,
    billable: operation !== 'count-tokens',
    modelId: safeDecode(match[1] ?? ''),
  }
}

/**
 * The model a Bedrock model id names, for the record and its price. A plain id (with or without
 * a cross-region profile prefix: `us.`, `eu.`, `apac.`, `global.`, `us-gov.` …) is the model.
 * An ARN names it when it is a `foundation-model/<id>` or a system-defined
 * `inference-profile/<profile id>` (the profile id keeps the region prefix that sets the price).
 * An `application-inference-profile/…`, `provisioned-model/…`, `custom-model/…`,
 * `imported-model/…` or prompt-router ARN is opaque: only the AWS control plane knows what it
 * wraps, so the model the response names is used (Claude's InvokeModel bodies name it; Converse
 * does not), else the ARN itself, which no price table knows (the record stays unpriced).
 */
export function bedrockModel(modelId: string | null, responseModel: string | null): string | null {
  if (modelId === null || !modelId.startsWith('arn:')) return modelId
  const resource = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(modelId)
  const type = resource?.[1]
  const id = resource?.[2]
  if (id !== undefined && (type === 'foundation-model' || type === 'inference-profile')) return id
  return responseModel ?? modelId
}
