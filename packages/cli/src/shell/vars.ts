// The variables that route a process through the proxy (pure): proxy URLs carrying the caller's
// identity, loopback kept direct, our CA for Node, and the combined bundle for the tools that
// replace the root store instead of extending it.

import type { Env } from '@tokentap/shared'
import { readString } from '@tokentap/shared'
import { type Address, clientHost } from '../config/paths.ts'

export type Vars = [name: string, value: string][]

export const LOOPBACK = ['localhost', '127.0.0.1', '::1']

/** Variables pointed at the combined bundle (system roots + our CA). */
export const BUNDLE_VARS = [
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'CODEX_CA_CERTIFICATE',
  'GIT_SSL_CAINFO',
  'AWS_CA_BUNDLE',
]

export interface Identity {
  user: string | null
  project: string | null
  token: string | null
}

/** USER = TOKENTAP_USER or $USER; TOKEN = TOKENTAP_TOKEN (team mode). */
export function identityFrom(env: Env, project: string | null): Identity {
  return {
    user: readString(env, 'TOKENTAP_USER') ?? readString(env, 'USER') ?? null,
    project,
    token: readString(env, 'TOKENTAP_TOKEN') ?? null,
  }
}

/** http://USER+PROJECT:TOKEN@host:port — the proxy reads USER[+PROJECT] and TOKEN from it. */
export function proxyUrl(a: Address, id: Identity): string {
  const user = id.user ? encodeURIComponent(id.user) : ''
  const project = id.project ? `+${encodeURIComponent(id.project)}` : ''
  const token = id.token ? `:${encodeURIComponent(id.token)}` : ''
  const userinfo = user || project || token ? `${user}${project}${token}@` : ''
  return `http://${userinfo}${clientHost(a.host)}:${a.port}`
}

/** Loopback first, then what the caller already had (NO_PROXY or no_proxy), without repeats. */
export function noProxy(env: Env): string {
  const existing = (readString(env, 'NO_PROXY') ?? readString(env, 'no_proxy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return [...new Set([...LOOPBACK, ...existing])].join(',')
}

export interface VarsInput {
  proxy: Address
  identity: Identity
  caCert: string
  bundle: string
  env: Env
}

export function proxyVars(i: VarsInput): Vars {
  const url = proxyUrl(i.proxy, i.identity)
  const skip = noProxy(i.env)
  return [
    ['HTTPS_PROXY', url],
    ['https_proxy', url],
    ['HTTP_PROXY', url],
    ['http_proxy', url],
    ['NO_PROXY', skip],
    ['no_proxy', skip],
    ['NODE_EXTRA_CA_CERTS', i.caCert],
    ...BUNDLE_VARS.map((name): [string, string] => [name, i.bundle]),
  ]
}
