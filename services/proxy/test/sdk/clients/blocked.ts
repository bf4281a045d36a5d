// Child process: one model call with an official SDK, with the SDK's own retry settings left on
// (Anthropic and OpenAI: 2 retries by default; @google/genai: retries asked for, 5 attempts), for
// a request a hard budget refuses. Prints what the SDK's thrown error says as JSON; exits 0 only
// when the call failed as an API error.

import Anthropic from '@anthropic-ai/sdk'
import { ApiError, GoogleGenAI } from '@google/genai'
import OpenAI from 'openai'

const mode = process.argv[2]
const say = 'Say hi'

async function call(): Promise<void> {
  switch (mode) {
    case 'anthropic-stream': {
      const stream = new Anthropic({ timeout: 8000 }).messages.stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: say }],
      })
      await stream.finalMessage()
      return
    }
    case 'openai-chat':
      await new OpenAI({ timeout: 8000 }).chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: say }],
      })
      return
    case 'openai-responses-stream': {
      const stream = await new OpenAI({ timeout: 8000 }).responses.create({
        model: 'gpt-5',
        input: say,
        stream: true,
      })
      for await (const _ of stream) {
        // drained: a refusal throws before the first event
      }
      return
    }
    case 'genai': {
      const ai = new GoogleGenAI({ httpOptions: { retryOptions: { attempts: 5 } } })
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: say })
      return
    }
    default:
      throw new Error(`unknown mode ${mode}`)
  }
}

try {
  await call()
  console.log(JSON.stringify({ threw: false }))
  process.exit(1)
} catch (e) {
  if (e instanceof Anthropic.APIError || e instanceof OpenAI.APIError) {
    console.log(
      JSON.stringify({
        threw: e.constructor.name,
        status: e.status,
        message: e.message,
        error: e.error,
      }),
    )
  } else if (e instanceof ApiError) {
    console.log(JSON.stringify({ threw: e.name, status: e.status, message: e.message }))
  } else {
    console.log(JSON.stringify({ threw: String(e) }))
    process.exit(1)
  }
}
