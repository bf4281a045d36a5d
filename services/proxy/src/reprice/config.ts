// The tables a reprice prices with, from the same variables the proxy reads (config.ts): the
// TOKENTAP_PRICES overrides and the TOKENTAP_PROVIDERS entries (whose `dialect` says how their
// rows' raw_usage is re-read). Errors name the variable.

import { ConfigError, type Env, readString } from '@tokentap/shared'
import { loadPriceOverrides, type PriceOverrides } from '../pricing/index.ts'
import { loadProvidersConfig, type ProvidersConfig } from '../providers/custom/index.ts'

export interface RepriceTables {
  overrides: PriceOverrides | null
  providers: ProvidersConfig | null
}

export function loadRepriceTables(env: Env): RepriceTables {
  const prices = readString(env, 'TOKENTAP_PRICES')
  let overrides: PriceOverrides | null = null
  if (prices) {
    try {
      overrides = loadPriceOverrides(prices)
    } catch (e) {
      throw new ConfigError(
        'TOKENTAP_PRICES',
        (e as Error).message.replace(/^TOKENTAP_PRICES:\s*/, ''),
      )
    }
  }
  const file = readString(env, 'TOKENTAP_PROVIDERS')
  return { overrides, providers: file ? loadProvidersConfig(file) : null }
}
