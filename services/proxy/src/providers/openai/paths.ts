// Endpoint classification for OpenAI-style APIs. The same shapes are served under many prefixes:
// `/v1/…` (OpenAI, xAI, Mistral, DeepSeek), `/chat/completions` (GitHub Copilot, DeepSeek),
// `/api/v1/…` (OpenRouter), `/openai/v1/…` (Groq, Azure v1), `/openai/deployments/{d}/…` (Azure),
// `/backend-api/codex/responses` (ChatGPT-authenticated Codex). Matching is on the path's tail.

import type { BillableRequest, ExchangeMeta } from '@tokentap/shared'
import { barePath, safeDecode } from '../common/record.ts'

export type OpenAIEndpointKind =
  | 'chat'
  | 'completions'
  | 'embeddings'
  | 'responses'
  | 'responses.compact'
  | 'input_tokens'
  | 'other'

export interface OpenAIEndpoint {
  kind: OpenAIEndpointKind
  /** `chat.completions`, `embeddings`, `completions`, `responses`, …, or the bare path. */
  endpoint: string
  billable: boolean
  /** Azure deployment name from `/openai/deployments/{deployment}/…`, else null. */
  deployment: string | null
}

const ROUTES: [RegExp, OpenAIEndpointKind, string, boolean][] = [
  [/\/chat\/completions$/, 'chat', 'chat.completions', true],
  [/\/embeddings$/, 'embeddings', 'embeddings', true],
  [/\/completions$/, 'completions', 'completions', true],
  [/\/responses\/compact$/, 'responses.compact', 'responses.compact', true],
  [/\/responses\/input_tokens$/, 'input_tokens', 'responses.input_tokens', false],
  [/\/responses$/, 'responses', 'responses', true],
]

export function classifyOpenAIPath(path: string): OpenAIEndpoint {
  const bare = barePath(path)
  const deploymentMatch = /\/openai\/deployments\/([^/]+)\//.exec(bare)
  const deployment = deploymentMatch?.[1] ? safeDecode(deploymentMatch[1]) : null
  for (const [re, kind, endpoint, billable] of ROUTES) {
    if (re.test(bare)) return { kind, endpoint, billable, deployment }
  }
  return { kind: 'other', endpoint: bare, billable: false, deployment }
}

/** Responses-API paths (create, compact, input token count). */
export const isResponsesKind = (kind: OpenAIEndpointKind): boolean =>
  kind === 'responses' || kind === 'responses.compact' || kind === 'input_tokens'

/** A POST to a billable route (or the Responses WebSocket's upgrade) bills its body's model; an
 *  Azure deployment in the path stands in when the body names none. */
export function openaiBillable(meta: ExchangeMeta): BillableRequest | null {
  const route = classifyOpenAIPath(meta.path)
  if (!route.billable) return null
  const upgrade = (meta.requestHeaders.upgrade ?? '').toLowerCase() === 'websocket'
  const socket = meta.method === 'GET' && upgrade && route.kind === 'responses'
  if (meta.method !== 'POST' && !socket) return null
  return { pathModel: route.deployment, modelInBody: true, errorFormat: 'openai' }
}
