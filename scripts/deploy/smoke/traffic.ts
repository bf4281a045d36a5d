// Traffic for the smoke: the loopback TLS mock upstream (api.anthropic.com, JSON and SSE, as the
// proxy tests' fixtures) and curl through the proxy as a team member, trusting only the proxy's CA.

import { type MockUpstream, startMockUpstream } from '@tokentap/proxy/testing'
import { run } from './run.ts'

export const JSON_USAGE = { input_tokens: 12, output_tokens: 6 }
export const SSE_USAGE = { input_tokens: 25, output_tokens: 15 }

const sse = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

const MESSAGE = {
  id: 'msg_smoke',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
}

export async function startAnthropicMock(): Promise<MockUpstream> {
  const mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', async (req) => {
    const body = (await req.json()) as { stream?: boolean }
    if (!body.stream) return Response.json({ ...MESSAGE, usage: JSON_USAGE })
    const events = [
      sse('message_start', {
        type: 'message_start',
        message: {
          ...MESSAGE,
          content: [],
          stop_reason: null,
          usage: { ...SSE_USAGE, output_tokens: 1 },
        },
      }),
      sse('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      sse('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Hi' },
      }),
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: SSE_USAGE,
      }),
      sse('message_stop', { type: 'message_stop' }),
    ]
    return new Response(events.join(''), { headers: { 'content-type': 'text/event-stream' } })
  })
  return mock
}

export interface ProxyClient {
  port: number
  user: string
  token: string
  /** PEM file of the proxy's CA (copied out of its volume). */
  caFile: string
}

/** POST /v1/messages through the proxy with curl; returns the response body. */
export async function messages(client: ProxyClient, stream: boolean): Promise<string> {
  const r = await run(
    [
      'curl',
      '-sS',
      '--fail-with-body',
      '--max-time',
      '30',
      '--proxy',
      `http://127.0.0.1:${client.port}`,
      '--proxy-user',
      `${client.user}:${client.token}`,
      '--cacert',
      client.caFile,
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, stream, messages: [] }),
      'https://api.anthropic.com/v1/messages',
    ],
    {
      env: { HTTPS_PROXY: undefined, https_proxy: undefined, ALL_PROXY: undefined },
      timeoutMs: 60_000,
    },
  )
  if (r.code !== 0) throw new Error(`curl through the proxy exited ${r.code}: ${r.err}${r.out}`)
  return r.out
}
