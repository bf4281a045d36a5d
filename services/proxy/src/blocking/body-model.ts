// The model a held request body names (pure): the top-level `model` of a whole JSON body, else
// the first `"model": "…"` in what was held (bodies over the hold bound; Anthropic, OpenAI and
// Code Assist clients write it first). A compressed body cannot be read here: unknown (null).

import { firstStringField } from '../providers/common/json-fields.ts'
import { isRecord, readString, tryParseJson } from '../providers/common/json-values.ts'

export function bodyModel(
  payload: Buffer,
  complete: boolean,
  contentEncoding: string | undefined,
): string | null {
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return null
  }
  const text = payload.toString('utf8')
  if (complete) {
    const parsed = tryParseJson(text)
    if (parsed.ok) return isRecord(parsed.value) ? readString(parsed.value.model) : null
  }
  return firstStringField(text, 'model')
}
