// Endpoint classification for Google's generative APIs, by the `:method` suffix of the path:
//   Gemini API   /v1beta/models/{model}:generateContent (also tunedModels/…)
//   Vertex AI    /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:streamGenerateContent
//   Code Assist  /v1internal:generateContent (cloudcode-pa; model in the request body)
//   Vertex Claude /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict
//   Vertex OpenAI-compatible /v1/projects/{p}/locations/{l}/endpoints/openapi/chat/completions
// Pure.

import { barePath, safeDecode } from '../common/record.ts'

export type GeminiRouteKind =
  | 'generate'
  | 'stream'
  | 'count'
  | 'anthropic'
  | 'anthropic-count'
  | 'openai'
  | 'other'

export interface GeminiRoute {
  kind: GeminiRouteKind
  /** `generateContent`, `streamGenerateContent`, `countTokens`, `rawPredict`, … or the bare path. */
  endpoint: string
  billable: boolean
  /** The model named by the URL, else null (Code Assist names it in the body). */
  model: string | null
  /** cloudcode-pa `v1internal`: bodies wrapped in `{"response": …}`. */
  codeAssist: boolean
}

const other = (bare: string): GeminiRoute => ({
  kind: 'other',
  endpoint: bare,
  billable: false,
  model: null,
  codeAssist: false,
})

export function classifyGeminiPath(path: string): GeminiRoute {
  const bare = barePath(path)
  if (/\/endpoints\/openapi\/chat\/completions$/.test(bare)) {
    return {
      kind: 'openai',
      endpoint: 'chat.completions',
      billable: true,
      model: null,
      codeAssist: false,
    }
  }
  const match = /^(.*?)(?:\/models\/([^/:]+))?:([A-Za-z]+)$/.exec(bare)
  if (match === null) return other(bare)
  const [, prefix = '', rawModel, method = ''] = match
  const model = rawModel === undefined ? null : safeDecode(rawModel)
  const codeAssist = /\/v1internal$/.test(prefix) && rawModel === undefined
  if (/\/publishers\/anthropic$/.test(prefix)) {
    if (model === 'count-tokens' && method === 'rawPredict') {
      return {
        kind: 'anthropic-count',
        endpoint: 'count_tokens',
        billable: false,
        model: null,
        codeAssist,
      }
    }
    if (method === 'rawPredict' || method === 'streamRawPredict') {
      return { kind: 'anthropic', endpoint: method, billable: true, model, codeAssist }
    }
    return other(bare)
  }
  if (model === null && !codeAssist) return other(bare)
  if (method === 'generateContent')
    return { kind: 'generate', endpoint: method, billable: true, model, codeAssist }
  if (method === 'streamGenerateContent')
    return { kind: 'stream', endpoint: method, billable: true, model, codeAssist }
  if (method === 'countTokens')
    return { kind: 'count', endpoint: method, billable: false, model, codeAssist }
  return other(bare)
}
