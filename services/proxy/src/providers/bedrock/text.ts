// The output text of Bedrock responses, for estimates (SeenText): Claude's Anthropic events and
// bodies, Converse `output` / `contentBlockDelta`, and the other model-native shapes (Nova,
// Titan `outputText`, Llama `generation`, Mistral `outputs`, OpenAI-style `choices`). Pure.

import { anthropicBodyText, anthropicObjectText } from '../anthropic/text.ts'
import { isRecord, tryParseJson } from '../common/json-values.ts'
import { outputTextOf } from '../common/seen-text.ts'

/** Output text of a model-native (or Converse) JSON object, whole body or stream chunk. */
export function bedrockObjectText(value: unknown): string {
  if (!isRecord(value)) return ''
  if (typeof value.type === 'string') return anthropicObjectText(value) || anthropicBodyText(value)
  return [
    value.output,
    value.results,
    value.outputs,
    value.generation,
    value.outputText,
    value.choices,
    value.completion,
    isRecord(value.contentBlockDelta) ? value.contentBlockDelta.delta : undefined,
  ]
    .map(outputTextOf)
    .join('')
}

/** Output text of one decoded InvokeModelWithResponseStream chunk. */
export function bedrockChunkText(text: string): string {
  const parsed = tryParseJson(text)
  return parsed.ok ? bedrockObjectText(parsed.value) : ''
}

/** Output text of a ConverseStream `contentBlockDelta` payload. */
export function converseDeltaText(payload: Uint8Array): string {
  const parsed = tryParseJson(new TextDecoder().decode(payload))
  return parsed.ok && isRecord(parsed.value) ? outputTextOf(parsed.value.delta) : ''
}
