// Child process: the real `openai` SDK, configured only through the environment
// (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, OPENAI_API_KEY). Prints what the SDK parsed as JSON.

import OpenAI from 'openai'

const client = new OpenAI({ maxRetries: 0, timeout: 8000 })
const mode = process.argv[2]
const messages = [{ role: 'user' as const, content: 'Say hi' }]

if (mode === 'chat-json') {
  const completion = await client.chat.completions.create({ model: 'gpt-4o', messages })
  console.log(JSON.stringify(completion))
} else if (mode === 'chat-stream') {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  })
  const texts: string[] = []
  let usage: unknown = null
  for await (const chunk of stream) {
    const text = chunk.choices[0]?.delta.content
    if (text) texts.push(text)
    if (chunk.usage) usage = chunk.usage
  }
  console.log(JSON.stringify({ texts, usage }))
} else if (mode === 'responses-json') {
  const response = await client.responses.create({ model: 'gpt-5', input: 'Say hi' })
  console.log(JSON.stringify({ outputText: response.output_text, response }))
} else if (mode === 'responses-stream') {
  const stream = await client.responses.create({ model: 'gpt-5', input: 'Say hi', stream: true })
  const texts: string[] = []
  let completed: unknown = null
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') texts.push(event.delta)
    if (event.type === 'response.completed') completed = event.response
  }
  console.log(JSON.stringify({ texts, completed }))
} else {
  throw new Error(`unknown mode ${mode}`)
}
