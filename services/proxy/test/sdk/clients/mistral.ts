// Child process: the real `@mistralai/mistralai` SDK, configured only through the environment
// (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, MISTRAL_API_KEY). Prints what the SDK parsed as JSON; a
// failed call prints the SDK's error (status and body) and exits 1.

import { Mistral } from '@mistralai/mistralai'

const client = new Mistral({
  apiKey: process.env.MISTRAL_API_KEY ?? '',
  retryConfig: { strategy: 'none' },
  timeoutMs: 8000,
})
const mode = process.argv[2]
const messages = [{ role: 'user' as const, content: 'Dis bonjour ☕' }]

try {
  if (mode === 'chat-json') {
    const completion = await client.chat.complete({ model: 'mistral-small-latest', messages })
    console.log(JSON.stringify(completion))
  } else if (mode === 'chat-stream') {
    const stream = await client.chat.stream({ model: 'mistral-large-latest', messages })
    const texts: string[] = []
    let usage: unknown = null
    for await (const event of stream) {
      const content = event.data.choices[0]?.delta.content
      if (typeof content === 'string' && content !== '') texts.push(content)
      if (event.data.usage) usage = event.data.usage
    }
    console.log(JSON.stringify({ texts, usage }))
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
} catch (error) {
  const e = error as { statusCode?: number; body?: string; message?: string }
  console.error(JSON.stringify({ statusCode: e.statusCode, body: e.body, message: e.message }))
  process.exit(1)
}
