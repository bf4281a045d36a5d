// The answer to a blocked request, in the provider's own error format (pure), with a status
// every client of that provider treats as final — never 408, 409, 429 or 5xx, which the SDKs
// and CLIs retry with backoff:
//   Anthropic  403 {"type":"error","error":{"type":"permission_error","message"}}
//              (Anthropic SDK and Claude Code retry 408/409/429/5xx; 403 only for a revoked
//              OAuth token, by its message; `x-should-retry: false` is obeyed first)
//   OpenAI     403 {"error":{"message","type","param","code"}} (OpenAI SDKs retry 408/409/429/
//              5xx and obey `x-should-retry`; Codex retries 429 and 5xx only)
//   Google     403 {"error":{"code":403,"message","status":"PERMISSION_DENIED"}} (@google/genai
//              and Gemini CLI retry 429, 499 and 5xx)
//   AWS        403 {"message"} + x-amzn-errortype: AccessDeniedException (AWS SDKs retry
//              throttling, timeouts and 5xx)
// A streamed request gets the same plain JSON answer: no stream is started.

import type { ErrorFormat } from '@tokentap/shared'
import type { LocalResponse } from '../http1/respond.ts'

export const BLOCKED_STATUS = 403

const JSON_TYPE = 'application/json'

function bodyOf(format: ErrorFormat, message: string): unknown {
  switch (format) {
    case 'anthropic':
      return { type: 'error', error: { type: 'permission_error', message } }
    case 'openai':
      return { error: { message, type: 'budget_exceeded', param: null, code: 'budget_exceeded' } }
    case 'google':
      return { error: { code: BLOCKED_STATUS, message, status: 'PERMISSION_DENIED' } }
    case 'aws':
      return { message }
  }
}

export function blockedAnswer(format: ErrorFormat, message: string): LocalResponse {
  const headers: Record<string, string> = {
    // Anthropic's and OpenAI's SDKs read it before the status: no retry, whatever the code.
    'x-should-retry': 'false',
    'x-tokentap-error': 'budget',
  }
  if (format === 'aws') headers['x-amzn-errortype'] = 'AccessDeniedException'
  return {
    status: BLOCKED_STATUS,
    contentType: JSON_TYPE,
    body: JSON.stringify(bodyOf(format, message)),
    headers,
  }
}
