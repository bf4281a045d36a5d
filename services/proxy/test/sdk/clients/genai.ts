// Child process: the real `@google/genai` SDK, configured only through the environment
// (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, GEMINI_API_KEY). Prints what the SDK parsed as JSON.

import { GoogleGenAI } from '@google/genai'

const ai = new GoogleGenAI({})
const mode = process.argv[2]
const params = { model: 'gemini-2.5-flash', contents: 'Say hi' }

if (mode === 'json') {
  const response = await ai.models.generateContent(params)
  console.log(JSON.stringify({ text: response.text, usageMetadata: response.usageMetadata }))
} else if (mode === 'stream') {
  const texts: string[] = []
  const usages: unknown[] = []
  for await (const chunk of await ai.models.generateContentStream(params)) {
    if (chunk.text) texts.push(chunk.text)
    usages.push(chunk.usageMetadata)
  }
  console.log(JSON.stringify({ texts, usages }))
} else {
  throw new Error(`unknown mode ${mode}`)
}
