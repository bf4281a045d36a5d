// Slack delivery adapter over @slack/webhook's IncomingWebhook: one POST per call (the evaluator
// owns retries and backoff), a request timeout, and errors whose text never carries the URL.

import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook'
import { errorText } from '@tokentap/shared'
import { maskUrls } from './decide.ts'
import type { SlackMessage } from './message.ts'

export type SlackPost = (url: string, message: SlackMessage) => Promise<void>

function describe(e: unknown): string {
  if (e instanceof IncomingWebhookHTTPError) {
    const body = typeof e.body === 'string' ? e.body.slice(0, 200) : ''
    return `HTTP ${e.statusCode}${body ? `: ${body}` : ''}`
  }
  if (e instanceof IncomingWebhookRequestError) return `request failed: ${e.original.message}`
  return errorText(e)
}

export function createSlackPost(
  opts: { timeoutMs?: number; fetch?: FetchFunction } = {},
): SlackPost {
  const hooks = new Map<string, IncomingWebhook>()
  return async (url, message) => {
    let hook = hooks.get(url)
    if (!hook) {
      hook = new IncomingWebhook(url, {
        timeout: opts.timeoutMs ?? 10_000,
        retryConfig: { retries: 0 },
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      })
      hooks.set(url, hook)
    }
    try {
      await hook.send(message)
    } catch (e) {
      throw new Error(maskUrls(describe(e)))
    }
  }
}
