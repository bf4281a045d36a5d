// Where tokentap lives and listens, from the same variables the services read. Kept free of
// heavy imports: `shell-init` runs at every shell start. The literal defaults mirror
// services/proxy/src/config.ts and services/dashboard/src/main.ts (paths.test.ts checks the
// proxy's stay equal).

import { homedir } from 'node:os'
import { join } from 'node:path'
import { type Env, readPort, readString } from '@tokentap/shared'

export const DEFAULT_PROXY_HOST = '127.0.0.1'
export const DEFAULT_PROXY_PORT = 8080
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1'
export const DEFAULT_DASHBOARD_PORT = 3000

export interface Address {
  host: string
  port: number
}

export interface Paths {
  home: string
  /** Written by `tokentap up` while it runs. */
  stateFile: string
  logDir: string
  /** The proxy's CA certificate (CA_CERT_FILE, else TOKENTAP_HOME/ca/ca.pem). */
  caCert: string
  /** System roots + our CA, for tools that replace the root store. */
  bundle: string
}

export function tokentapHome(env: Env): string {
  return readString(env, 'TOKENTAP_HOME') ?? join(readString(env, 'HOME') ?? homedir(), '.tokentap')
}

export function paths(env: Env): Paths {
  const home = tokentapHome(env)
  return {
    home,
    stateFile: join(home, 'up.json'),
    logDir: join(home, 'logs'),
    caCert: readString(env, 'CA_CERT_FILE') ?? join(home, 'ca', 'ca.pem'),
    bundle: join(home, 'ca', 'bundle.pem'),
  }
}

export function proxyAddress(env: Env): Address {
  return {
    host: readString(env, 'PROXY_HOST') ?? DEFAULT_PROXY_HOST,
    port: readPort(env, 'PROXY_PORT', DEFAULT_PROXY_PORT),
  }
}

export function dashboardAddress(env: Env): Address {
  return {
    host: readString(env, 'DASHBOARD_HOST') ?? DEFAULT_DASHBOARD_HOST,
    port: readPort(env, 'DASHBOARD_PORT', DEFAULT_DASHBOARD_PORT),
  }
}

/** A wildcard listen address is reached on loopback; IPv6 literals need brackets in URLs. */
export function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

export function httpUrl(a: Address): string {
  return `http://${clientHost(a.host)}:${a.port}`
}
