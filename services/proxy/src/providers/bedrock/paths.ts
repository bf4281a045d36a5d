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
