// User-defined providers (TOKENTAP_PROVIDERS, a JSON file): the shape, and a strict validator that
// names the offending field (`providers[1].fields.inputTokens: must be a string path`). Unknown
// keys, empty host lists and unknown dialects are rejected. Pure apart from reading the file.

import { readFileSync } from 'node:fs'
import { BUCKET_KEYS, ConfigError, errorText } from '@tokentap/shared'
import { STREAM_USAGE_MODES, type StreamUsage } from '../openai/stream-usage.ts'

export const CONFIG_VARIABLE = 'TOKENTAP_PROVIDERS'

export const BUILTIN_DIALECTS = [
  'anthropic',
  'openai-chat',
  'openai-responses',
  'gemini',
  'bedrock',
] as const
export type BuiltinDialectName = (typeof BUILTIN_DIALECTS)[number]

/** The token fields a field map may read. `inputTokens` is UNCACHED input (cache reads apart). */
export const TOKEN_FIELDS = BUCKET_KEYS
export type TokenField = (typeof TOKEN_FIELDS)[number]

/** JSON paths in dot notation (`usage.in`, `choices.0.usage.total`) into the response JSON. */
export type FieldMap = { [K in TokenField]?: string } & {
  model?: string
  responseId?: string
  /** SSE responses: only events with this `event:` name are read (default: every event). */
  sse?: { event?: string }
}

export interface CustomProviderConfig {
  name: string
  /** Host globs (`*` = one or more DNS label characters, never a dot). */
  hosts: string[]
  /** Path globs on the path without query: `*` within a segment, `**` across segments. */
  paths?: string[]
  /** A built-in wire format, recorded under `name` … */
  dialect?: BuiltinDialectName
  /** … or a field map read from the JSON body / the last SSE event with usage. */
  fields?: FieldMap
  /** `openai-chat` only: how its chat streams report usage (default `never-inject`). `inject`:
   *  the host documents `stream_options.include_usage` and streams usage only when asked, so the
   *  proxy asks when the client did not (see openai/stream-usage.ts). */
  streamUsage?: StreamUsage
}

export interface ProvidersConfig {
  providers: CustomProviderConfig[]
  /** Record unknown intercepted exchanges (usageSource none) instead of ignoring them. */
  captureUnknown: boolean
}

const fail = (where: string, message: string): never => {
  throw new ConfigError(CONFIG_VARIABLE, `${where}: ${message}`)
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function objectAt(value: unknown, where: string, allowed: readonly string[]) {
  if (!isObject(value)) return fail(where, 'must be an object')
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(`${where}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`)
  }
  return value
}

function stringList(value: unknown, where: string, check: (s: string) => string | null): string[] {
  if (!Array.isArray(value)) return fail(where, 'must be an array of strings')
  if (value.length === 0) fail(where, 'must not be empty')
  return value.map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '')
      return fail(`${where}[${i}]`, 'must be a non-empty string')
    const problem = check(item)
    if (problem !== null) fail(`${where}[${i}]`, problem)
    return item
  })
}

const checkHost = (h: string): string | null =>
  /^[a-z0-9*]([a-z0-9*.-]*[a-z0-9*])?$/i.test(h)
    ? null
    : `"${h}" is not a host name or glob (no scheme, port or path)`

const checkPath = (p: string): string | null =>
  p.startsWith('/') && !/[?#\s]/.test(p) ? null : `"${p}" must start with / and have no query`

const checkJsonPath = (p: string): boolean => p.split('.').every((s) => s !== '')

function parseFields(value: unknown, where: string): FieldMap {
  const keys = [...TOKEN_FIELDS, 'model', 'responseId', 'sse']
  const raw = objectAt(value, where, keys)
  const out: FieldMap = {}
  for (const key of [...TOKEN_FIELDS, 'model', 'responseId'] as const) {
    const path = raw[key]
    if (path === undefined) continue
    if (typeof path !== 'string' || !checkJsonPath(path)) {
      fail(`${where}.${key}`, 'must be a string path like "usage.input_tokens"')
    }
    out[key] = path as string
  }
  if (out.inputTokens === undefined && out.outputTokens === undefined) {
    fail(where, 'needs at least inputTokens or outputTokens')
  }
  if (raw.sse !== undefined) {
    const sse = objectAt(raw.sse, `${where}.sse`, ['event'])
    if (sse.event !== undefined && (typeof sse.event !== 'string' || sse.event === '')) {
      fail(`${where}.sse.event`, 'must be a non-empty string')
    }
    out.sse = typeof sse.event === 'string' ? { event: sse.event } : {}
  }
  return out
}

function parseProvider(value: unknown, where: string): CustomProviderConfig {
  const raw = objectAt(value, where, ['name', 'hosts', 'paths', 'dialect', 'fields', 'streamUsage'])
  if (typeof raw.name !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(raw.name)) {
    fail(`${where}.name`, 'must be a name of letters, digits, ".", "_" or "-"')
  }
  const out: CustomProviderConfig = {
    name: raw.name as string,
    hosts: stringList(raw.hosts, `${where}.hosts`, checkHost).map((h) => h.toLowerCase()),
  }
  if (raw.paths !== undefined) out.paths = stringList(raw.paths, `${where}.paths`, checkPath)
  if ((raw.dialect === undefined) === (raw.fields === undefined)) {
    fail(where, 'needs exactly one of "dialect" or "fields"')
  }
  if (raw.dialect !== undefined) {
    if (!BUILTIN_DIALECTS.includes(raw.dialect as BuiltinDialectName)) {
      fail(
        `${where}.dialect`,
        `unknown dialect ${JSON.stringify(raw.dialect)} (known: ${BUILTIN_DIALECTS.join(', ')})`,
      )
    }
    out.dialect = raw.dialect as BuiltinDialectName
  }
  if (raw.fields !== undefined) out.fields = parseFields(raw.fields, `${where}.fields`)
  if (raw.streamUsage !== undefined) {
    if (!STREAM_USAGE_MODES.includes(raw.streamUsage as StreamUsage)) {
      fail(
        `${where}.streamUsage`,
        `unknown mode ${JSON.stringify(raw.streamUsage)} (known: ${STREAM_USAGE_MODES.join(', ')})`,
      )
    }
    if (out.dialect !== 'openai-chat') {
      fail(`${where}.streamUsage`, 'only for "dialect": "openai-chat" (chat streams)')
    }
    out.streamUsage = raw.streamUsage as StreamUsage
  }
  return out
}

/** Validates an already-parsed JSON document. Throws ConfigError naming the bad field. */
export function parseProvidersConfig(value: unknown): ProvidersConfig {
  const raw = objectAt(value, 'config', ['providers', 'captureUnknown'])
  if (!Array.isArray(raw.providers)) fail('providers', 'must be an array')
  const providers = (raw.providers as unknown[]).map((p, i) => parseProvider(p, `providers[${i}]`))
  const seen = new Set<string>()
  providers.forEach((p, i) => {
    if (seen.has(p.name)) fail(`providers[${i}].name`, `duplicate name "${p.name}"`)
    seen.add(p.name)
  })
  if (raw.captureUnknown !== undefined && typeof raw.captureUnknown !== 'boolean') {
    fail('captureUnknown', 'must be true or false')
  }
  return { providers, captureUnknown: raw.captureUnknown === true }
}

/** Reads and validates the providers file. Throws ConfigError (unreadable, bad JSON, bad shape). */
export function loadProvidersConfig(path: string): ProvidersConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new ConfigError(CONFIG_VARIABLE, `cannot read ${path} (${code})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const detail = errorText(error)
    throw new ConfigError(CONFIG_VARIABLE, `${path} is not valid JSON (${detail})`)
  }
  return parseProvidersConfig(value)
}
