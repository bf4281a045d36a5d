// The dialect for exchanges no parser understands: recorded with usageSource "none".

import type { ExchangeParser, ParsedUsage, ProviderDialect } from '@tokentap/shared'

const NONE = new WeakSet<ProviderDialect>()

/** True for dialects made by noneDialect: exchanges no parser understands (capture-unknown). */
export const isNoneDialect = (dialect: ProviderDialect): boolean => NONE.has(dialect)

export function noneDialect(provider: string): ProviderDialect {
  const dialect: ProviderDialect = {
    provider,
    createParser(meta): ExchangeParser {
      let stream = false
      return {
        pushRequest() {},
        endRequest() {},
        onResponseHead(_status, headers) {
          stream = (headers['content-type'] ?? '').includes('text/event-stream')
        },
        pushResponse() {},
        end(): ParsedUsage {
          return {
            provider,
            endpoint: meta.path.split('?')[0] ?? meta.path,
            stream,
            usageSource: 'none',
            billable: false,
          }
        },
      }
    },
  }
  NONE.add(dialect)
  return dialect
}
