// The answer to a blocked request, in the provider's own error format (pure). The status is 400
// for every provider: the one status all their clients treat as final. 408, 409, 429 and 5xx are
// retried with backoff by the SDKs; beyond that:
//   Anthropic  400 {"type":"error","error":{"type":"invalid_request_error","message"}} — Claude
//              Code shows 401/403 as a failed sign-in ("Please run /login"), never our message
//              alone; Anthropic answers its own spend limits with this 400 too
//   OpenAI     400 {"error":{"message","type":"invalid_request_error","param","code"}} — Codex
//              retries every unexpected status (403 included) five times per transport, then
//              falls back from WebSocket to HTTP and does it again; only 400 (InvalidRequest)
//              and a few 429 types are final
//   Google     400 {"error":{"code":400,"message","status":"FAILED_PRECONDITION"}} — Gemini CLI
//              never retries a 400 (it retries 429, 499 and 5xx)
//   AWS        400 {"message"} + x-amzn-errortype: ValidationException (AWS SDKs retry throttling,
//              timeouts and 5xx; Claude Code on Bedrock refreshes credentials and retries a 403)
// `x-should-retry: false` too: the Anthropic and OpenAI SDKs obey it before the status. A
// streamed request gets the same plain JSON answer: no stream is started.

import type { ErrorFormat } from '@tokentap/shared'
import type { LocalResponse } from '../http1/respond.ts'

export const BLOCKED_STATUS = 400

const JSON_TYPE = 'application/json'

function bodyOf(format: ErrorFormat, message: string): unknown {
  switch (format) {
    case 'anthropic':
      return { type: 'error', error: { type: 'invalid_request_error', message } }
    case 'openai':
      return {
        error: { message, type: 'invalid_request_error', param: null, code: 'budget_exceeded' },
      }
    case 'google':
      return { error: { code: BLOCKED_STATUS, message, status: 'FAILED_PRECONDITION' } }
    case 'aws':
      return { message }
  }
}

export function blockedAnswer(format: ErrorFormat, message: string): LocalResponse {
  const headers: Record<string, string> = {
    'x-should-retry': 'false',
    'x-tokentap-error': 'budget',
  }
  if (format === 'aws') headers['x-amzn-errortype'] = 'ValidationException'
  return {
    status: BLOCKED_STATUS,
    contentType: JSON_TYPE,
    body: JSON.stringify(bodyOf(format, message)),
    headers,
  }
}
