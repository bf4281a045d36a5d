// Token estimates for exchanges the provider reported no usage for (flagged `estimated`).
// js-tiktoken: o200k_base for OpenAI's gpt-4o / gpt-4.1 / gpt-5 / o-series, cl100k_base for
// everything else — for Claude and Gemini a documented approximation (their tokenizers are not
// public; cl100k usually counts a little lower than Claude's).
// Cost bounds, because js-tiktoken's BPE is quadratic per regex piece: building an encoder
// blocks ~0.25–0.75 s (cl100k) / ~0.5–1.5 s (o200k) and both hold ~110 MB RSS (measured, Bun
// 1.4.5), so each is built once, on first use (or by preloadEncodings when idle);
// runs of ≥64 same-class characters (spaces, dashes, "aaaa…") are counted in 64-character
// slices; and long or non-ASCII-heavy texts (CJK costs ~100× ASCII per character) are counted
// on evenly spaced windows and scaled by length, keeping one count near 30 ms at worst.

import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite'

export type EncodingName = 'o200k_base' | 'cl100k_base'

/** Work budget per count, in ASCII-character units (~0.2 µs each). */
const BUDGET = 131_072
/** Relative cost of a non-ASCII character (measured: CJK ~26 µs vs ASCII ~0.2 µs). */
const NON_ASCII_WEIGHT = 100
const WINDOWS = 16
const RUN = 64
const LONG_RUN = /\s{64,}|[\p{L}\p{M}]{64,}|[^\s\p{L}\p{M}\p{N}]{64,}/gu

const encoders = new Map<EncodingName, Tiktoken>()

function loadRanks(name: EncodingName): TiktokenBPE {
  // require (not import) so the 1–2 MB rank sources are parsed only when first needed.
  return name === 'o200k_base'
    ? require('js-tiktoken/ranks/o200k_base')
    : require('js-tiktoken/ranks/cl100k_base')
}

function encoder(name: EncodingName): Tiktoken {
  let e = encoders.get(name)
  if (!e) {
    e = new Tiktoken(loadRanks(name))
    encoders.set(name, e)
  }
  return e
}

/** Builds encoders ahead of need (each blocks ~0.3–1.5 s): call once when idle after start. */
export function preloadEncodings(
  names: readonly EncodingName[] = ['o200k_base', 'cl100k_base'],
): void {
  for (const n of names) encoder(n)
}

/** The encoding used to estimate a model's tokens. */
export function encodingForModel(model: string | null): EncodingName {
  const m = (model ?? '').trim().toLowerCase()
  // Strip `vendor/` (OpenRouter), `publishers/…/models/`, Bedrock `us.openai.` and `ft:`.
  const base = m
    .slice(m.lastIndexOf('/') + 1)
    .replace(/^(?:[a-z-]+\.)?openai\./, '')
    .replace(/^ft:/, '')
  if (/^gpt-4(?:o|\.1|\.5)/.test(base)) return 'o200k_base'
  if (/^gpt-(?:3\.5|35|4)(?:$|-)/.test(base)) return 'cl100k_base'
  if (/^(?:gpt-|chatgpt-|codex|o\d+(?:$|-))/.test(base)) return 'o200k_base'
  return 'cl100k_base'
}

/** Cuts before a lone high surrogate so slices never split a character. */
function cut(text: string, end: number): number {
  const c = text.charCodeAt(end - 1)
  return end < text.length && c >= 0xd800 && c <= 0xdbff ? end - 1 : end
}

/** Exact count, except runs of ≥64 same-class characters, counted in memoised 64-char slices. */
function countBounded(text: string, enc: Tiktoken, memo: Map<string, number>): number {
  let n = 0
  let last = 0
  const encode = (s: string) => (s === '' ? 0 : enc.encode(s, [], []).length)
  for (const match of text.matchAll(LONG_RUN)) {
    n += encode(text.slice(last, match.index))
    const run = match[0]
    for (let i = 0; i < run.length; ) {
      const slice = run.slice(i, cut(run, Math.min(run.length, i + RUN)))
      let k = memo.get(slice)
      if (k === undefined) {
        k = encode(slice)
        memo.set(slice, k)
      }
      n += k
      i += slice.length
    }
    last = match.index + run.length
  }
  return n + encode(text.slice(last))
}

/** The parts of a text to count and the factor scaling their count to the whole. */
export function samplePlan(text: string): { windows: string[]; scale: number } {
  let nonAscii = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) nonAscii++
  const costPerChar = 1 + ((NON_ASCII_WEIGHT - 1) * nonAscii) / text.length
  const budgetChars = Math.max(WINDOWS * 64, Math.floor(BUDGET / costPerChar))
  if (text.length <= budgetChars) return { windows: [text], scale: 1 }
  const size = Math.floor(budgetChars / WINDOWS)
  const windows: string[] = []
  let sampled = 0
  for (let w = 0; w < WINDOWS; w++) {
    const start = Math.floor((w * (text.length - size)) / (WINDOWS - 1))
    const from = start > 0 ? cut(text, start) : 0
    const slice = text.slice(from, cut(text, from + size))
    windows.push(slice)
    sampled += slice.length
  }
  return { windows, scale: text.length / sampled }
}

/** Estimated tokens of a text in an encoding; 0 for '' (without loading the encoder). */
export function countTokens(text: string, encoding: EncodingName): number {
  if (text === '') return 0
  const enc = encoder(encoding)
  const memo = new Map<string, number>()
  const { windows, scale } = samplePlan(text)
  let n = 0
  for (const w of windows) n += countBounded(w, enc, memo)
  return Math.round(n * scale)
}

/** Tokens of a request and its response, estimated with the model's (approximate) encoding. */
export function estimateTokens(input: {
  model: string | null
  requestText: string
  responseText: string
}): { inputTokens: number; outputTokens: number } {
  const encoding = encodingForModel(input.model)
  return {
    inputTokens: countTokens(input.requestText, encoding),
    outputTokens: countTokens(input.responseText, encoding),
  }
}
