// Bounded capture of the text an exchange carried, for token estimates when the provider reports
// no usage (SeenText in the parser contract). Output text is kept up to a fixed cap; past it only
// the raw size of the text-bearing events is counted and the sample is scaled by it, so memory is
// O(1) and, once full, no event is parsed for text any more. `outputTextOf` picks the visible
// text out of a response object (answer, reasoning, tool-call arguments); never ids or signatures.

import type { SeenText, TextSample } from '@tokentap/shared'
import type { CapturedBody } from './body-capture.ts'

/** Characters of output text kept for the estimate (the estimator samples long texts anyway).
 *  Kept for the whole exchange: with the request sample, ≤ ~64 K characters per exchange. */
export const OUTPUT_TEXT_CAP = 32 << 10
/** Characters of request text kept: whole bodies up to this, else evenly spaced windows. */
export const REQUEST_TEXT_CAP = 32 << 10
const WINDOWS = 16

const MAX_DEPTH = 12
/** Keys whose string values are output text; arrays and objects under them are walked. */
const TEXT_KEYS: ReadonlySet<string> = new Set([
  'text',
  'thinking',
  'partial_json',
  'reasoning_content',
  'reasoning',
  'refusal',
  'completion',
  'outputText',
  'generation',
  'content',
  'parts',
  'message',
  'delta',
  'choices',
  'candidates',
  'output',
  'summary',
  'tool_calls',
  'function',
  'function_call',
  'functionCall',
  'toolUse',
  'reasoningContent',
  'arguments',
])
/** Keys whose values are structured tool inputs: counted as JSON (strings as they are). */
const JSON_KEYS: ReadonlySet<string> = new Set(['input', 'args'])

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function walk(node: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) return
  if (typeof node === 'string') {
    if (node !== '') out.push(node)
    return
  }
  if (Array.isArray(node)) {
    for (const item of node) walk(item, out, depth + 1)
    return
  }
  if (!isObj(node)) return
  // The object's own keys, in their order (objects here have few keys; the sets are larger).
  for (const key in node) {
    const v = node[key]
    if (TEXT_KEYS.has(key)) walk(v, out, depth + 1)
    else if (JSON_KEYS.has(key)) {
      if (typeof v === 'string') walk(v, out, depth + 1)
      else if (v !== undefined && v !== null) out.push(JSON.stringify(v) ?? '')
    }
  }
}

/** The visible output text inside a parsed response object (or part of one), '' when none. */
export function outputTextOf(value: unknown): string {
  const out: string[] = []
  walk(value, out, 0)
  return out.join('')
}

export interface OutputText {
  /** True once the cap is reached: callers may skip extracting text (only `add`'s size counts). */
  readonly full: boolean
  /** One text-bearing event of `rawLength` characters; `extract` runs only while not full. */
  add(rawLength: number, extract: () => string): void
  sample(): TextSample
}

export function createOutputText(cap: number = OUTPUT_TEXT_CAP): OutputText {
  const parts: string[] = []
  let chars = 0
  let rawTotal = 0
  let rawAtFull = 0
  return {
    get full() {
      return chars >= cap
    },
    add(rawLength, extract) {
      rawTotal += rawLength
      if (chars >= cap) return
      let text = extract()
      if (text === '') return
      if (chars + text.length > cap) {
        text = text.slice(0, cap - chars)
        const last = text.charCodeAt(text.length - 1)
        if (last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1) // no half surrogate pair
      }
      parts.push(text)
      chars += text.length
      if (chars >= cap || text.length === 0) {
        chars = cap
        rawAtFull = rawTotal
      }
    },
    sample() {
      const scale = rawAtFull > 0 && rawTotal > rawAtFull ? rawTotal / rawAtFull : 1
      return { text: parts.join(''), scale }
    },
  }
}

/** Evenly spaced windows of `text`, at most `cap` characters in all (never half a pair). */
function windows(text: string, cap: number): string {
  const size = Math.floor(cap / WINDOWS)
  const out: string[] = []
  for (let w = 0; w < WINDOWS; w++) {
    let from = Math.floor((w * (text.length - size)) / (WINDOWS - 1))
    if (from > 0 && (text.charCodeAt(from) & 0xfc00) === 0xdc00) from++
    let to = Math.min(text.length, from + size)
    if (to < text.length && (text.charCodeAt(to) & 0xfc00) === 0xdc00) to--
    out.push(text.slice(from, to))
  }
  return out.join('\n')
}

/** A request body as SeenText keeps it: whole when small (the estimator reads its prompt), else
 *  a sample of the raw text scaled to `size` (its full length, in the unit of `text`). */
export function sampleRequest(text: string, size: number, whole: boolean): SeenText['request'] {
  if (whole && text.length <= REQUEST_TEXT_CAP) return { text, scale: 1, whole: true }
  const kept = text.length <= REQUEST_TEXT_CAP ? text : windows(text, REQUEST_TEXT_CAP)
  return { text: kept, scale: kept.length > 0 ? Math.max(1, size / kept.length) : 1, whole: false }
}

/** The request part of SeenText from the shell's bounded request capture. */
export function requestSample(captured: CapturedBody | null): SeenText['request'] {
  if (captured === null) return { text: '', scale: 1, whole: true }
  if (captured.whole) return sampleRequest(captured.text, captured.text.length, true)
  return sampleRequest(`${captured.head}\n${captured.tail}`, captured.bytes, false)
}
