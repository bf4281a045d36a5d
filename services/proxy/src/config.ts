// Proxy configuration from the environment; fails fast with the variable's name.

import { readFileSync } from 'node:fs'
import { availableParallelism, homedir } from 'node:os'
import { join } from 'node:path'
import {
  ConfigError,
  type Env,
  readBool,
  readInt,
  readList,
  readPort,
  readString,
} from '@tokentap/shared'
import { type AlertsConfig, readAlertsConfig } from './alerts/config.ts'
import { DESTINATIONS_VARIABLE, PORTS_VARIABLE } from './destinations/allow-list.ts'
import { type DestinationPolicy, readDestinationPolicy } from './destinations/policy.ts'
import { readAccountKey } from './identity/account-key.ts'
import { assertBindAllowed, isLoopbackHost } from './identity/team.ts'
import { loadUsersFile, type ProxyUser } from './identity/users.ts'
import { parseResolve, type Resolver } from './net/resolve.ts'
import { loadPriceOverrides, type PriceOverrides } from './pricing/index.ts'
import { loadProvidersConfig, type ProvidersConfig } from './providers/custom/index.ts'
import { BUILTIN_INTERCEPT_HOSTS } from './providers/table.ts'
import { readWorkerCount } from './workers/count.ts'

export interface ProxyConfig {
  host: string
  port: number
  home: string
  caCertFile: string | undefined
  caKeyFile: string | undefined
  interceptHosts: string[]
  resolve: Resolver
  /** Extra PEM roots trusted for upstreams, on top of the system roots. */
  upstreamCa: string[]
  usageLogPath: string | undefined
  headerTimeoutMs: number
  idleTimeoutMs: number
  upstreamConnectTimeoutMs: number
  upstreamTimeoutMs: number
  maxHeaderBytes: number
  /** Bound of the request-body copy handed to parsers. */
  maxRequestCopyBytes: number
  /** Bound of the decoded response copy handed to parsers. */
  maxResponseCopyBytes: number
  shutdownGraceMs: number
  /** Postgres for usage records; without it only the JSON-lines log (if set) keeps them. */
  databaseUrl: string | undefined
  /** Budgets and Slack alerts (TOKENTAP_BUDGETS, SLACK_WEBHOOK_URL, …; alerts/config.ts). */
  alerts: AlertsConfig
  batchSize: number
  batchIntervalMs: number
  /** Hard budgets: how often the blocking snapshot re-reads spend that other replicas committed
   *  (BUDGET_REFRESH_MS); this replica's own flushes refresh it at once. */
  budgetRefreshMs: number
  /** User-defined providers (TOKENTAP_PROVIDERS): the file, reloaded on change. */
  providersFile: string | undefined
  providers: ProvidersConfig | null
  /** Make streamed OpenAI chat requests report usage (TOKENTAP_INJECT_STREAM_USAGE). */
  injectStreamUsage: boolean
  /** Estimate tokens (js-tiktoken, in a worker) when the provider reports none (TOKENTAP_ESTIMATE). */
  estimate: boolean
  /** Store redacted request/response bodies in exchange_bodies (TOKENTAP_CAPTURE_BODIES). */
  captureBodies: boolean
  /** Bytes kept per captured body; past it the text is cut and marked (TOKENTAP_CAPTURE_MAX_BYTES). */
  captureMaxBytes: number
  /** Captured bodies older than this are deleted (TOKENTAP_BODY_RETENTION_DAYS). */
  bodyRetentionDays: number
  /** Monthly usage_events partitions wholly older than this are dropped with their bodies
   *  (TOKENTAP_RETENTION_DAYS); null = events are kept forever. Rollups are never touched. */
  retentionDays: number | null
  /** Negotiated rates and credit prices (TOKENTAP_PRICES); null when unset. */
  priceOverrides: PriceOverrides | null
  /** Team mode (PROXY_USERS): the users file, reloaded on change; unset = local mode. */
  proxyUsersFile: string | undefined
  /** The users read at start (validated); null in local mode. */
  proxyUsers: ProxyUser[] | null
  /** ALLOW_OPEN_PROXY: bind a non-loopback address without PROXY_USERS. */
  allowOpenProxy: boolean
  /**
   * Where clients may be connected: enforced in team mode and on any non-loopback bind
   * (PROXY_ALLOWED_PORTS, PROXY_ALLOWED_DESTINATIONS open more); local mode dials anything.
   */
  destinations: DestinationPolicy
  /** Blind tunnels and upgraded (WebSocket) relays close after this long without a byte. */
  tunnelIdleTimeoutMs: number
  /** Client connections open at once (PROXY_MAX_CONNECTIONS); past it: 503. */
  maxConnections: number
  /** Per team-mode user (PROXY_MAX_CONNECTIONS_PER_USER); past it: 429. */
  maxConnectionsPerUser: number
  /** TOKENTAP_ACCOUNT_KEY: the account fingerprints' key; unset = derived from the CA key. */
  accountKey: Uint8Array | undefined
  /** PROXY_WORKERS: processes sharing the port (`bun run proxy` and the image; `tokentap up`
   *  runs one). Default: the available cores, at most 8. */
  workers: number
}

function readPemFile(env: Env, name: string): string[] {
  const path = readString(env, name)
  if (!path) return []
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(name, `cannot read ${path}: ${(e as Error).message}`)
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
  if (!pems) throw new ConfigError(name, `${path} holds no PEM certificate`)
  return pems
}

function readDatabaseUrl(env: Env): string | undefined {
  const url = readString(env, 'DATABASE_URL')
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL')
  }
  return url
}

/** Retention drops whole months, so the shortest horizon keeps what budgets and the dashboard's
 *  presets read from raw events: a monthly budget window starting mid-hour (a +05:30 zone) sums
 *  that partial hour from usage_events for up to 31 days. */
export const MIN_RETENTION_DAYS = 32

function readRetentionDays(env: Env): number | null {
  if (readString(env, 'TOKENTAP_RETENTION_DAYS') === undefined) return null
  return readInt(env, 'TOKENTAP_RETENTION_DAYS', 0, { min: MIN_RETENTION_DAYS })
}

function readPriceOverrides(env: Env): PriceOverrides | null {
  const path = readString(env, 'TOKENTAP_PRICES')
  if (!path) return null
  try {
    return loadPriceOverrides(path)
  } catch (e) {
    const message = (e as Error).message.replace(/^TOKENTAP_PRICES:\s*/, '')
    throw new ConfigError('TOKENTAP_PRICES', message)
  }
}

export function loadProxyConfig(env: Env): ProxyConfig {
  const home = readString(env, 'TOKENTAP_HOME') ?? join(homedir(), '.tokentap')
  const caCertFile = readString(env, 'CA_CERT_FILE')
  const caKeyFile = readString(env, 'CA_KEY_FILE')
  if ((caCertFile === undefined) !== (caKeyFile === undefined)) {
    throw new ConfigError(
      caCertFile ? 'CA_KEY_FILE' : 'CA_CERT_FILE',
      'CA_CERT_FILE and CA_KEY_FILE must be set together',
    )
  }
  const host = readString(env, 'PROXY_HOST') ?? '127.0.0.1'
  const proxyUsersFile = readString(env, 'PROXY_USERS')
  const allowOpenProxy = readBool(env, 'ALLOW_OPEN_PROXY', false)
  assertBindAllowed(host, proxyUsersFile, allowOpenProxy)
  return {
    host,
    port: readPort(env, 'PROXY_PORT', 8080),
    home,
    caCertFile,
    caKeyFile,
    interceptHosts: [...BUILTIN_INTERCEPT_HOSTS, ...readList(env, 'TOKENTAP_INTERCEPT_HOSTS')],
    resolve: parseResolve(readString(env, 'TOKENTAP_RESOLVE')),
    upstreamCa: readPemFile(env, 'TOKENTAP_UPSTREAM_CA'),
    usageLogPath: readString(env, 'TOKENTAP_USAGE_LOG'),
    headerTimeoutMs: readInt(env, 'PROXY_HEADER_TIMEOUT_MS', 30_000, { min: 1 }),
    idleTimeoutMs: readInt(env, 'PROXY_IDLE_TIMEOUT_MS', 120_000, { min: 1 }),
    upstreamConnectTimeoutMs: readInt(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 10_000, { min: 1 }),
    upstreamTimeoutMs: readInt(env, 'UPSTREAM_TIMEOUT_MS', 600_000, { min: 1 }),
    maxHeaderBytes: readInt(env, 'PROXY_MAX_HEADER_BYTES', 65_536, { min: 1024 }),
    maxRequestCopyBytes: readInt(env, 'PROXY_MAX_REQUEST_COPY_BYTES', 8 * 1024 * 1024, { min: 0 }),
    maxResponseCopyBytes: readInt(env, 'PROXY_MAX_RESPONSE_COPY_BYTES', 256 * 1024 * 1024, {
      min: 0,
    }),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, { min: 0 }),
    priceOverrides: readPriceOverrides(env),
    injectStreamUsage: readBool(env, 'TOKENTAP_INJECT_STREAM_USAGE', true),
    estimate: readBool(env, 'TOKENTAP_ESTIMATE', true),
    captureBodies: readBool(env, 'TOKENTAP_CAPTURE_BODIES', false),
    captureMaxBytes: readInt(env, 'TOKENTAP_CAPTURE_MAX_BYTES', 256 * 1024, { min: 1024 }),
    bodyRetentionDays: readInt(env, 'TOKENTAP_BODY_RETENTION_DAYS', 7, { min: 1 }),
    retentionDays: readRetentionDays(env),
    providersFile: readString(env, 'TOKENTAP_PROVIDERS'),
    providers: ((file) => (file ? loadProvidersConfig(file) : null))(
      readString(env, 'TOKENTAP_PROVIDERS'),
    ),
    databaseUrl: readDatabaseUrl(env),
    alerts: readAlertsConfig(env, readDatabaseUrl(env) !== undefined),
    accountKey: readAccountKey(env),
    batchSize: readInt(env, 'BATCH_SIZE', 500, { min: 1, max: 10_000 }),
    batchIntervalMs: readInt(env, 'BATCH_INTERVAL_MS', 200, { min: 10 }),
    budgetRefreshMs: readInt(env, 'BUDGET_REFRESH_MS', 2000, { min: 100, max: 3_600_000 }),
    proxyUsersFile,
    proxyUsers: proxyUsersFile ? loadUsersFile(proxyUsersFile) : null,
    allowOpenProxy,
    destinations: readDestinationPolicy(
      proxyUsersFile !== undefined || !isLoopbackHost(host),
      readString(env, PORTS_VARIABLE),
      readString(env, DESTINATIONS_VARIABLE),
    ),
    tunnelIdleTimeoutMs: readInt(env, 'PROXY_TUNNEL_IDLE_TIMEOUT_MS', 600_000, { min: 1 }),
    maxConnections: readInt(env, 'PROXY_MAX_CONNECTIONS', 4096, { min: 1 }),
    maxConnectionsPerUser: readInt(env, 'PROXY_MAX_CONNECTIONS_PER_USER', 256, { min: 1 }),
    workers: readWorkerCount(env, availableParallelism()),
  }
}
