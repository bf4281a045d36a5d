// Reading values out of parsed JSON without trusting its shape: the object guard, token counts,
// non-empty strings, and JSON.parse that reports failure instead of throwing. Pure.

export type JsonObject = Record<string, unknown>

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A token count: a finite, non-negative number (truncated to an integer), else null. */
export function readCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.trunc(value)
    : null
}

export function readString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** JSON.parse that reports failure instead of throwing. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}
