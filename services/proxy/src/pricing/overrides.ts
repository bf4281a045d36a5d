// Local price overrides (TOKENTAP_PRICES): negotiated per-model rates and per-credit prices.
// Validation is strict (unknown keys are errors: a typo must not silently fall back to list
// prices) and every message starts with "TOKENTAP_PRICES: " and names the bad entry.
// A model entry may also price billed units (billing.ts): token parts per million tokens
// (`perMTok`: audio, image, video parts, each defaulting to its parent bucket's rate) and uses
// per unit (`perUnit`: web searches, …), and may apply only to one tier, residency or speed.

import { readFileSync } from 'node:fs'
import { errorText, overridesVersion, TOKEN_UNITS, type TokenUnit } from '@tokentap/shared'

export interface ModelPriceOverride {
  /** Our provider name (anthropic, bedrock, …) or a genai-prices id (aws, google, …); glob. */
  provider: string
  /** Model glob, case-insensitive: `*` any run of characters, `?` one character. */
  model: string
  inputPerMTok: number
  outputPerMTok: number
  /** Defaults to inputPerMTok. */
  cacheReadPerMTok?: number
  /** Defaults to inputPerMTok. */
  cacheWrite5mPerMTok?: number
  /** Defaults to the 5-minute write price. */
  cacheWrite1hPerMTok?: number
  /** USD per million tokens of a modality part (`input_audio_tokens`: the uncached audio input,
   *  `cache_audio_read_tokens`, `output_audio_tokens`, image and video alike); a part without
   *  its own price is billed at its bucket's rate. */
  perMTok?: Partial<Record<TokenUnit, number>>
  /** USD per use of a count unit (`web_searches`: 0.01 is $10 per 1,000). */
  perUnit?: Record<string, number>
  /** Globs on the record's billed tier / inference geo / speed; absent: any. */
  serviceTier?: string
  inferenceGeo?: string
  speed?: string
  note?: string
}

export interface CreditPriceOverride {
  /** Provider glob (amazon-q, github-copilot, …). */
  provider: string
  usdPerCredit: number
  note?: string
}

export interface PriceOverrides {
  /** First match wins, in file order. */
  models: ModelPriceOverride[]
  credits: CreditPriceOverride[]
  /** `overrides:` + a content hash: the price_version of every cost priced from this file. */
  version: string
}

const PREFIX = 'TOKENTAP_PRICES: '
const MODEL_PRICES = [
  'inputPerMTok',
  'outputPerMTok',
  'cacheReadPerMTok',
  'cacheWrite5mPerMTok',
  'cacheWrite1hPerMTok',
] as const
const MODEL_MATCH = ['serviceTier', 'inferenceGeo', 'speed'] as const
const MODEL_KEYS = new Set<string>([
  'provider',
  'model',
  'note',
  'perMTok',
  'perUnit',
  ...MODEL_MATCH,
  ...MODEL_PRICES,
])
const TOKEN_KINDS: ReadonlySet<string> = new Set(TOKEN_UNITS)
const UNIT_KIND = /^[a-z][a-z0-9_]{0,63}$/
const CREDIT_KEYS = new Set(['provider', 'usdPerCredit', 'note'])
const TOP_KEYS = new Set(['$schema', 'models', 'credits'])

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const fail = (msg: string): never => {
  throw new Error(PREFIX + msg)
}

function checkKeys(o: Obj, allowed: Set<string>, where: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) fail(`${where}: unknown key "${k}" (allowed: ${[...allowed].join(', ')})`)
  }
}

function str(o: Obj, key: string, where: string): string {
  const v = o[key]
  if (typeof v !== 'string' || v.trim() === '')
    fail(`${where}: "${key}" must be a non-empty string`)
  return (v as string).trim()
}

function price(o: Obj, key: string, where: string, required: boolean): number | undefined {
  const v = o[key]
  if (v === undefined && !required) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    fail(`${where}: "${key}" must be a non-negative number, got ${JSON.stringify(v) ?? 'nothing'}`)
  }
  return v as number
}

function entries(top: Obj, key: string): unknown[] {
  const v = top[key]
  if (v === undefined) return []
  if (!Array.isArray(v)) return fail(`"${key}" must be an array`)
  return v
}

function label(o: Obj, ...keys: string[]): string {
  const parts = keys.map((k) => o[k]).filter((v) => typeof v === 'string')
  return parts.length > 0 ? ` (${parts.join(' ')})` : ''
}

function parseModel(raw: unknown, i: number): ModelPriceOverride {
  if (!isObj(raw)) return fail(`models[${i}]: must be an object`)
  const where = `models[${i}]${label(raw, 'provider', 'model')}`
  checkKeys(raw, MODEL_KEYS, where)
  const out: ModelPriceOverride = {
    provider: str(raw, 'provider', where),
    model: str(raw, 'model', where),
    inputPerMTok: price(raw, 'inputPerMTok', where, true) as number,
    outputPerMTok: price(raw, 'outputPerMTok', where, true) as number,
  }
  for (const key of MODEL_PRICES.slice(2)) {
    const p = price(raw, key, where, false)
    if (p !== undefined) out[key] = p
  }
  for (const key of MODEL_MATCH) {
    if (raw[key] !== undefined) out[key] = str(raw, key, where)
  }
  if (raw.perMTok !== undefined) {
    out.perMTok = unitPrices(
      raw,
      'perMTok',
      where,
      (k) => TOKEN_KINDS.has(k),
      TOKEN_UNITS.join(', '),
    )
  }
  if (raw.perUnit !== undefined) {
    const isCount = (k: string) => UNIT_KIND.test(k) && !TOKEN_KINDS.has(k)
    out.perUnit = unitPrices(raw, 'perUnit', where, isCount, 'a count unit such as web_searches')
  }
  if (raw.note !== undefined) out.note = str(raw, 'note', where)
  return out
}

/** A `{kind: price}` object whose kinds pass `valid`. */
function unitPrices(
  o: Obj,
  key: string,
  where: string,
  valid: (kind: string) => boolean,
  expected: string,
): Record<string, number> {
  const v = o[key]
  if (!isObj(v)) return fail(`${where}: "${key}" must be an object of {unit: price}`)
  const out: Record<string, number> = {}
  for (const kind of Object.keys(v)) {
    if (!valid(kind)) fail(`${where}: "${key}" has unknown unit "${kind}" (expected ${expected})`)
    out[kind] = price(v, kind, `${where} ${key}`, true) as number
  }
  return out
}

function parseCredit(raw: unknown, i: number): CreditPriceOverride {
  if (!isObj(raw)) return fail(`credits[${i}]: must be an object`)
  const where = `credits[${i}]${label(raw, 'provider')}`
  checkKeys(raw, CREDIT_KEYS, where)
  const out: CreditPriceOverride = {
    provider: str(raw, 'provider', where),
    usdPerCredit: price(raw, 'usdPerCredit', where, true) as number,
  }
  if (raw.note !== undefined) out.note = str(raw, 'note', where)
  return out
}

/** Validates an already-parsed overrides document. Pure; throws `TOKENTAP_PRICES: …`. */
export function parsePriceOverrides(value: unknown, contentForVersion?: string): PriceOverrides {
  if (!isObj(value)) return fail('the file must hold a JSON object with "models" and/or "credits"')
  checkKeys(value, TOP_KEYS, 'top level')
  const models = entries(value, 'models').map(parseModel)
  const credits = entries(value, 'credits').map(parseCredit)
  return { models, credits, version: overridesVersion(contentForVersion ?? JSON.stringify(value)) }
}

/** Reads and validates the TOKENTAP_PRICES file. Throws `TOKENTAP_PRICES: …` on any problem. */
export function loadPriceOverrides(path: string): PriceOverrides {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return fail(`cannot read ${path}: ${errorText(e)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return fail(`${path} is not valid JSON: ${errorText(e)}`)
  }
  return parsePriceOverrides(json, text)
}

const globCache = new Map<string, RegExp>()

/** Case-insensitive glob match: `*` any run of characters, `?` exactly one. */
export function globMatch(glob: string, value: string): boolean {
  let re = globCache.get(glob)
  if (!re) {
    const body = glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')
    re = new RegExp(`^${body}$`, 'i')
    globCache.set(glob, re)
  }
  return re.test(value)
}
