// Child process: the real @anthropic-ai/sdk, configured only through the environment
// (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, ANTHROPIC_API_KEY). Prints what the SDK parsed as JSON.

import Anthropic from '@anthropic-ai/sdk'

const client = new Anthropic({ maxRetries: 0, timeout: 8000 })
const mode = process.argv[2]
const params = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Say hi' }],
}

if (mode === 'json') {
  const msg = await client.messages.create(params)
  console.log(JSON.stringify(msg))
} else if (mode === 'stream') {
  const stream = client.messages.stream(params)
  const texts: string[] = []
  stream.on('text', (t) => texts.push(t))
  const final = await stream.finalMessage()
  console.log(JSON.stringify({ texts, final }))
} else {
  throw new Error(`unknown mode ${mode}`)
}
