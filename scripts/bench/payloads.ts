// Bench payloads shared by the mock upstream and the load generator: Anthropic-shaped request
// and response bodies (so the proxy's parser does its real work) and the SSE event builders.
// Stream deltas carry the upstream's send time as `@<ms>;` so the generator can time each one.

export const HOST = 'api.anthropic.com'
export const MODEL = 'claude-sonnet-4-5-20250929'

/** Absolute wall-clock milliseconds with sub-ms precision (same formula in every process). */
export const wallMs = (): number => performance.timeOrigin + performance.now()

const enc = new TextEncoder()
const lorem = (bytes: number): string => {
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '
  return words.repeat(Math.ceil(bytes / words.length)).slice(0, bytes)
}

export const SMALL_REQUEST = Buffer.from(
  JSON.stringify({
    model: MODEL,
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Say hello to the benchmark in one short sentence.' }],
  }),
)

function messageJson(text: string, output: number): string {
  return JSON.stringify({
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: MODEL,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 2095,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1024,
      output_tokens: output,
      service_tier: 'standard',
    },
  })
}

/** ~600-byte Messages response. */
export const SMALL_RESPONSE = Buffer.from(messageJson(lorem(290), 64))

export const BIG_BYTES = 1024 * 1024

/** 1 MB Messages request (a long prompt). */
export const BIG_REQUEST = (() => {
  const shell = JSON.stringify({
    model: MODEL,
    max_tokens: 4096,
    messages: [{ role: 'user', content: '' }],
  })
  return Buffer.from(
    shell.replace('"content":""', `"content":"${lorem(BIG_BYTES - shell.length)}"`),
  )
})()

/** 1 MB Messages response. */
export const BIG_RESPONSE = (() => {
  const shell = messageJson('', 250_000)
  return Buffer.from(shell.replace('"text":""', `"text":"${lorem(BIG_BYTES - shell.length)}"`))
})()

const ev = (name: string, data: unknown): Uint8Array =>
  enc.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)

/** message_start + content_block_start, sent at once when a stream opens. */
export const SSE_OPEN = Buffer.concat([
  ev('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_01BenchStream',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  }),
  ev('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
])

/** One text delta stamped with the upstream's send time. */
export const sseDelta = (sentAt: number): Uint8Array =>
  ev('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: ` tok@${sentAt.toFixed(3)};` },
  })

export const sseClose = (outputTokens: number): Uint8Array =>
  Buffer.concat([
    ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
    ev('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
    ev('message_stop', { type: 'message_stop' }),
  ])

export const SSE_END_MARK = 'event: message_stop'
