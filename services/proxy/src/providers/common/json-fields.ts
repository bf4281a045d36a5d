// Field lookups in JSON text that cannot be parsed whole: the kept head and tail of an oversized
// body, a request copy cut at its bound, an event cut at a cap. Cheap scans, first or last match;
// an object value is taken only when it is balanced and parses. Pure.

import { valueEnd } from './json-scan.ts'
import { isRecord, type JsonObject, tryParseJson } from './json-values.ts'

/** The string value of the first `"key": "…"` in `text` (no escapes inside), else null. */
export function firstStringField(text: string, key: string): string | null {
  const match = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,256})"`).exec(text)
  return match?.[1] ?? null
}

/** The boolean value of the first (or last) `"key": true|false` in `text`, else null. */
export function booleanField(text: string, key: string, last = false): boolean | null {
  const re = new RegExp(`"${key}"\\s*:\\s*(true|false)\\b`, 'g')
  let found: string | null = null
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    found = m[1] ?? null
    if (!last) break
  }
  return found === null ? null : found === 'true'
}

/**
 * The object value of the LAST `"key": {…}` in `text` that parses, else null. Used on the tail of
 * an oversized response, where the top-level `usage` object is the last one serialised.
 */
export function lastObjectField(text: string, key: string): JsonObject | null {
  const needle = `"${key}"`
  for (let at = text.lastIndexOf(needle); at !== -1; at = text.lastIndexOf(needle, at - 1)) {
    const colon = /^\s*:\s*\{/.exec(text.slice(at + needle.length, at + needle.length + 64))
    if (colon !== null) {
      const start = at + needle.length + colon[0].length - 1
      const end = valueEnd(text, start)
      if (end !== -1) {
        const parsed = tryParseJson(text.slice(start, end))
        if (parsed.ok && isRecord(parsed.value)) return parsed.value
      }
    }
    if (at === 0) break
  }
  return null
}
