// `injectIncludeUsage`: makes a streaming Chat Completions request ask for usage
// (`stream_options.include_usage: true`) so its exact token counts can be recorded. The body is
// edited in place — one member inserted or one value replaced — so every other byte the client
// sent reaches the provider unchanged. Pure; the proxy decides when to use it.

import { appendMember, findMember, objectMembers } from '../common/json-scan.ts'
import { isRecord, tryParseJson } from '../common/json-values.ts'

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

const INCLUDE_USAGE = '"include_usage":true'

function decode(body: Uint8Array): string | null {
  try {
    return decoder.decode(body)
  } catch {
    return null
  }
}

/** The edited JSON text, or null when nothing should (or can) change. */
function inject(text: string): string | null {
  const parsed = tryParseJson(text)
  if (!parsed.ok || !isRecord(parsed.value) || parsed.value.stream !== true) return null
  const options = parsed.value.stream_options
  if (isRecord(options) && options.include_usage === true) return null
  const top = objectMembers(text)
  if (top === null) return null
  const member = findMember(top, 'stream_options')
  if (member === null) return appendMember(text, top, `"stream_options":{${INCLUDE_USAGE}}`)
  if (!isRecord(options)) {
    // null (or any non-object): replace the value.
    const value = `{${INCLUDE_USAGE}}`
    return text.slice(0, member.valueStart) + value + text.slice(member.valueEnd)
  }
  const inner = objectMembers(text, member.valueStart)
  if (inner === null) return null
  const flag = findMember(inner, 'include_usage')
  if (flag !== null) return `${text.slice(0, flag.valueStart)}true${text.slice(flag.valueEnd)}`
  return appendMember(text, inner, INCLUDE_USAGE)
}

/**
 * For a JSON body with `stream: true` and no `stream_options.include_usage: true`, returns the body
 * with `stream_options: { ...existing, include_usage: true }` and `injected: true`; otherwise the
 * same bytes and `injected: false` (non-JSON, not streaming, already asking, invalid UTF-8).
 */
export function injectIncludeUsage(body: Uint8Array): { body: Uint8Array; injected: boolean } {
  const text = decode(body)
  const edited = text === null ? null : inject(text)
  if (edited === null) return { body, injected: false }
  return { body: encoder.encode(edited), injected: true }
}
