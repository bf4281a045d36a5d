// The dialects and intercepted hosts in force: TOKENTAP_PROVIDERS entries first (reloaded when
// the file changes), then the built-in providers.

import type { ProviderDialect } from '@tokentap/shared'
import type { ProxyConfig } from '../config.ts'
import { createHostMatcher, type HostMatcher } from '../intercept/hosts.ts'
import type { Logger } from '../log.ts'
import {
  type CustomProviders,
  createCustomProviders,
  type ProvidersConfig,
  watchProvidersConfig,
} from './custom/index.ts'
import { createDialectRegistry } from './registry.ts'

export interface ConfiguredDialects {
  dialectFor(host: string, path: string): ProviderDialect
  intercepts: HostMatcher
  /** TOKENTAP_PROVIDERS `captureUnknown`, as last (re)loaded. */
  captureUnknown(): boolean
  stopWatching(): void
}

export function dialectsAndHosts(
  config: ProxyConfig,
  deps: {
    log: Logger
    dialectFor?: (host: string, path: string) => ProviderDialect
    /** After each successful reload of the providers file. */
    onReload?: (providers: ProvidersConfig) => void
  },
): ConfiguredDialects {
  const builtin =
    deps.dialectFor ?? createDialectRegistry({ injectStreamUsage: config.injectStreamUsage })
  const builtinHosts = createHostMatcher(config.interceptHosts)
  const customOptions = { injectStreamUsage: config.injectStreamUsage }
  let custom: CustomProviders | null = config.providers
    ? createCustomProviders(config.providers, customOptions)
    : null
  let customHosts: HostMatcher = createHostMatcher(custom?.hosts ?? [])
  const stopWatching = config.providersFile
    ? watchProvidersConfig(
        config.providersFile,
        (c) => {
          custom = createCustomProviders(c, customOptions)
          customHosts = createHostMatcher(custom.hosts)
          deps.log.info(`TOKENTAP_PROVIDERS reloaded: ${c.providers.length} providers`)
          deps.onReload?.(c)
        },
        (e) =>
          deps.log.warn(
            `TOKENTAP_PROVIDERS not reloaded, keeping the last good one: ${String((e as Error).message ?? e)}`,
          ),
      )
    : () => {}
  return {
    dialectFor: (host, path) => custom?.match(host, path) ?? builtin(host, path),
    intercepts: (host) => builtinHosts(host) || customHosts(host),
    captureUnknown: () => custom?.captureUnknown ?? false,
    stopWatching,
  }
}
