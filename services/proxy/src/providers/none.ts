// The dialect for exchanges no parser understands: recorded with usageSource "none".

import type { ExchangeParser, ParsedUsage, ProviderDialect } from '@tokentap/shared'

export function noneDialect(provider: string): ProviderDialect {
  return {
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
}
