// Reading configuration from the environment: every failure names its variable (fail fast).

export type Env = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

export function readString(env: Env, name: string): string | undefined {
  const v = env[name]?.trim()
  return v === undefined || v === '' ? undefined : v
}

export function readInt(
  env: Env,
  name: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  const raw = readString(env, name)
  if (raw === undefined) return fallback
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `expected an integer, got "${raw}"`)
  const n = Number(raw)
  if (range.min !== undefined && n < range.min)
    throw new ConfigError(name, `must be ≥ ${range.min}`)
  if (range.max !== undefined && n > range.max)
    throw new ConfigError(name, `must be ≤ ${range.max}`)
  return n
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name)?.toLowerCase()
  if (raw === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(name, `expected a boolean (1/0, true/false), got "${raw}"`)
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInt(env, name, fallback, { min: 0, max: 65535 })
}

/** Comma- or whitespace-separated list. */
export function readList(env: Env, name: string): string[] {
  const raw = readString(env, name)
  return raw ? raw.split(/[\s,]+/).filter((s) => s !== '') : []
}
