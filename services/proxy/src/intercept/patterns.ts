// The intercepted host patterns with where each was configured: built-in, TOKENTAP_INTERCEPT_HOSTS
// or a TOKENTAP_PROVIDERS entry. A new CA is name-constrained to them (ca/subtrees.ts), and the
// proxy and `tokentap ca` name the ones an existing CA leaves out.

import { type Env, readList, readString } from '@tokentap/shared'
import { loadProvidersConfig, type ProvidersConfig } from '../providers/custom/config.ts'
import { BUILTIN_INTERCEPT_HOSTS } from '../providers/table.ts'

export interface InterceptPattern {
  pattern: string
  source: 'built-in' | 'TOKENTAP_INTERCEPT_HOSTS' | 'TOKENTAP_PROVIDERS'
}

const BUILTIN = new Set(BUILTIN_INTERCEPT_HOSTS)

/** `interceptHosts` as the proxy config holds it (built-in + TOKENTAP_INTERCEPT_HOSTS), then the
 *  custom providers' hosts; each pattern once. */
export function interceptPatterns(
  interceptHosts: readonly string[],
  providers: ProvidersConfig | null,
): InterceptPattern[] {
  const out = new Map<string, InterceptPattern>()
  for (const pattern of interceptHosts) {
    const source = BUILTIN.has(pattern) ? 'built-in' : 'TOKENTAP_INTERCEPT_HOSTS'
    if (!out.has(pattern)) out.set(pattern, { pattern, source })
  }
  for (const pattern of providers?.providers.flatMap((p) => p.hosts) ?? []) {
    if (!out.has(pattern)) out.set(pattern, { pattern, source: 'TOKENTAP_PROVIDERS' })
  }
  return [...out.values()]
}

/** The same from the environment alone (the CLI: `tokentap ca`, `tokentap ca renew`). */
export function interceptPatternsFromEnv(env: Env): InterceptPattern[] {
  const file = readString(env, 'TOKENTAP_PROVIDERS')
  return interceptPatterns(
    [...BUILTIN_INTERCEPT_HOSTS, ...readList(env, 'TOKENTAP_INTERCEPT_HOSTS')],
    file ? loadProvidersConfig(file) : null,
  )
}
