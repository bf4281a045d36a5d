// Reads a captured JSON response body: parsed when it was kept whole, otherwise the kept head and
// tail for text scans (`lastObjectField`, `firstStringField`), so an oversized body still yields
// its usage. Pure and generic.

import type { CapturedBody } from '../anthropic/body.ts'
import { tryParseJson } from '../anthropic/usage.ts'

export interface JsonBody {
  /** The parsed body; undefined when it was too large or not valid JSON. */
  value: unknown
  /** Text scans fall back to these when `value` is undefined (whole text when small but invalid). */
  head: string
  tail: string
  parseError: string | null
}

export function readJsonBody(captured: CapturedBody): JsonBody {
  if (!captured.whole) {
    return { value: undefined, head: captured.head, tail: captured.tail, parseError: null }
  }
  const parsed = tryParseJson(captured.text)
  if (parsed.ok) return { value: parsed.value, head: '', tail: '', parseError: null }
  const empty = captured.text.trim() === ''
  return {
    value: undefined,
    head: captured.text,
    tail: captured.text,
    parseError: empty ? 'empty JSON response' : 'response is not valid JSON',
  }
}

/** The parse error to record when an oversized body's text scans found no usage. */
export const tooLargeError = (captured: CapturedBody): string =>
  `response too large (${captured.bytes} bytes), no usage`
