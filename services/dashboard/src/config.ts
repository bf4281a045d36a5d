// Dashboard configuration from the environment, read once at start and validated (fail fast:
// every error names its variable). A non-loopback bind without DASHBOARD_API_KEY is refused.

import { ConfigError, type Env, readInt, readList, readPort, readString } from '@tokentap/shared'
import { type HostName, parseHost } from './auth/host.ts'
import { DEFAULT_MAX_STREAMS } from './live/gate.ts'

export interface DashboardConfig {
  host: string
  port: number
  /** null = local mode (loopback only): no authentication. */
  apiKey: string | null
  /** HMAC key for session cookies; derived from the API key unless DASHBOARD_SESSION_SECRET. */
  sessionSecret: string
  /** Session lifetime in seconds. */
  sessionTtlS: number
  /** Wrong keys per client address per window before attempts are slowed down. */
  loginMaxFailures: number
  loginWindowS: number
  /** DASHBOARD_ALLOWED_HOSTS: Host names served besides loopback names; null = unset. */
  allowedHosts: HostName[] | null
  /** DASHBOARD_MAX_STREAMS: open live streams at most. */
  maxStreams: number
  databaseUrl: string | null
  /** TOKENTAP_BUDGETS: path of the budgets file (watched). */
  budgetsPath: string | null
  /** TOKENTAP_PRICES: the proxy's price overrides file, shown with its version (not parsed). */
  pricesPath: string | null
}

const MIN_KEY_LENGTH = 16

/** Loopback names and addresses (where local mode without a key is allowed). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

function readAllowedHosts(env: Env): HostName[] | null {
  if (readString(env, 'DASHBOARD_ALLOWED_HOSTS') === undefined) return null
  return readList(env, 'DASHBOARD_ALLOWED_HOSTS').map((entry) => {
    const host = parseHost(entry)
    if (!host) {
      throw new ConfigError(
        'DASHBOARD_ALLOWED_HOSTS',
        `"${entry}" is not a host name; expected names like dash.example.com, dash.example.com:8443 or [fd00::1], comma-separated`,
      )
    }
    return host
  })
}

export function loadDashboardConfig(env: Env): DashboardConfig {
  const host = readString(env, 'DASHBOARD_HOST') ?? '127.0.0.1'
  const port = readPort(env, 'DASHBOARD_PORT', 3000)
  const apiKey = readString(env, 'DASHBOARD_API_KEY') ?? null
  if (apiKey === null && !isLoopback(host)) {
    throw new ConfigError(
      'DASHBOARD_API_KEY',
      `required when DASHBOARD_HOST (${host}) is not a loopback address; set a long random key (e.g. \`openssl rand -hex 32\`) or bind 127.0.0.1`,
    )
  }
  if (apiKey !== null && apiKey.length < MIN_KEY_LENGTH) {
    throw new ConfigError('DASHBOARD_API_KEY', `must be at least ${MIN_KEY_LENGTH} characters`)
  }
  const secret = readString(env, 'DASHBOARD_SESSION_SECRET')
  if (secret !== undefined && secret.length < MIN_KEY_LENGTH) {
    throw new ConfigError(
      'DASHBOARD_SESSION_SECRET',
      `must be at least ${MIN_KEY_LENGTH} characters`,
    )
  }
  const databaseUrl = readString(env, 'DATABASE_URL') ?? null
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL')
  }
  return {
    host,
    port,
    apiKey,
    // Derived, so a restart keeps sessions valid and changing the key logs everyone out.
    sessionSecret: secret ?? `tokentap-session:${apiKey ?? ''}`,
    sessionTtlS: readInt(env, 'DASHBOARD_SESSION_TTL_HOURS', 12, { min: 1, max: 24 * 90 }) * 3600,
    loginMaxFailures: readInt(env, 'DASHBOARD_LOGIN_MAX_FAILURES', 5, { min: 1, max: 1000 }),
    loginWindowS: 15 * 60,
    allowedHosts: readAllowedHosts(env),
    maxStreams: readInt(env, 'DASHBOARD_MAX_STREAMS', DEFAULT_MAX_STREAMS, {
      min: 1,
      max: 100_000,
    }),
    databaseUrl,
    budgetsPath: readString(env, 'TOKENTAP_BUDGETS') ?? null,
    pricesPath: readString(env, 'TOKENTAP_PRICES') ?? null,
  }
}
