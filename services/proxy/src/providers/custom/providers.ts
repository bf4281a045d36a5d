// User-defined providers at run time: host globs for the intercept list, and host + path → dialect
// (a built-in wire format recorded under the provider's name, or the field-map dialect). Checked
// BEFORE the built-in providers, first matching provider wins. Plus the capture-unknown dialect.

import type { ProviderDialect } from '@tokentap/shared'
import { createHostMatcher, type HostMatcher, normaliseHost } from '../../intercept/hosts.ts'
import { barePath } from '../common/record.ts'
import { noneDialect } from '../none.ts'
import { wireFormatDialect } from '../registry.ts'
import type { CustomProviderConfig, ProvidersConfig } from './config.ts'
import { fieldMapDialect } from './field-dialect.ts'

export interface CustomProviders {
  /** Host globs to add to the intercept list (the built-in providers' glob syntax). */
  hosts: string[]
  /** The dialect of the first provider matching host and path, else null (use the built-ins). */
  match(host: string, path: string): ProviderDialect | null
  /** Record unmatched intercepted exchanges with `unknownDialect(host)`. */
  captureUnknown: boolean
}

/** Path glob → RegExp: `**` spans segments, `*` stays within one. */
export function pathGlobToRegExp(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*')
  return new RegExp(`^${body}$`)
}

interface Entry {
  hosts: HostMatcher
  paths: RegExp[] | null
  dialect: ProviderDialect
}

export interface CustomProvidersOptions {
  /** TOKENTAP_INJECT_STREAM_USAGE (default on): off, no entry's requests are rewritten. */
  injectStreamUsage?: boolean
}

function entryFor(p: CustomProviderConfig, opts: CustomProvidersOptions): Entry {
  const dialect =
    p.dialect !== undefined
      ? wireFormatDialect(p.dialect, p.name, {
          injectStreamUsage: opts.injectStreamUsage !== false,
          streamUsage: p.streamUsage ?? 'never-inject',
        })
      : fieldMapDialect(p.name, p.fields ?? {})
  return {
    hosts: createHostMatcher(p.hosts),
    paths: p.paths === undefined ? null : p.paths.map(pathGlobToRegExp),
    dialect,
  }
}

export function createCustomProviders(
  config: ProvidersConfig,
  opts: CustomProvidersOptions = {},
): CustomProviders {
  const entries = config.providers.map((p) => entryFor(p, opts))
  const hosts = [...new Set(config.providers.flatMap((p) => p.hosts))]
  return {
    hosts,
    captureUnknown: config.captureUnknown,
    match(host, path) {
      const bare = barePath(path)
      for (const e of entries) {
        if (!e.hosts(host)) continue
        if (e.paths === null || e.paths.some((re) => re.test(bare))) return e.dialect
      }
      return null
    },
  }
}

/** Capture-unknown mode: usageSource none, provider = host, billable false, endpoint = path. */
export function unknownDialect(host: string): ProviderDialect {
  return noneDialect(normaliseHost(host))
}
