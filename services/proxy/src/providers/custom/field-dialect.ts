// The field-map dialect for user-defined providers: reads token counts, model and response id at
// configured JSON paths (`usage.in`, `choices.0.usage.x`). A JSON response is captured bounded
// (whole up to 4 MiB) and parsed once; an SSE response is read event by event and only the values
// of the LAST event whose data carries a token field are kept (optionally only events named
// `sse.event`), so streams cost O(1) memory. Counts are stored as given: `inputTokens` must map to
// UNCACHED input. usageSource: provider when every configured input/output count was found,
// partial when only some were, none otherwise. Never throws (guardedParser).

import type { ExchangeMeta, ProviderDialect, TokenBuckets } from '@tokentap/shared'
import { emptyBuckets } from '@tokentap/shared'
import { isRecord, readCount, readString, tryParseJson } from '../common/json-values.ts'
import { barePath, bodyKind, emptyRecord, type FullUsage, sourceOf } from '../common/record.ts'
import { capturedJson, streamResponse, tooLargeError } from '../common/response-body.ts'
import { guardedParser } from '../common/shell.ts'
import { createSseReader } from '../common/sse-reader.ts'
import { type FieldMap, TOKEN_FIELDS, type TokenField } from './config.ts'

/** The value at a dot path (`a.0.b`: numeric segments index arrays), else undefined. */
export function valueAtPath(root: unknown, path: string): unknown {
  let node = root
  for (const segment of path.split('.')) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(segment)) return undefined
      node = node[Number(segment)]
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      node = node[segment]
    } else {
      return undefined
    }
  }
  return node
}

/** What one JSON document yields under the field map. */
interface Extracted {
  counts: Partial<Record<TokenField, number>>
  found: number
  model: string | null
  responseId: string | null
}

function extract(fields: FieldMap, doc: unknown): Extracted {
  const counts: Partial<Record<TokenField, number>> = {}
  let found = 0
  for (const key of TOKEN_FIELDS) {
    const path = fields[key]
    if (path === undefined) continue
    const n = readCount(valueAtPath(doc, path))
    if (n !== null) {
      counts[key] = n
      found++
    }
  }
  const text = (path: string | undefined) =>
    path === undefined ? null : readString(valueAtPath(doc, path))
  return { counts, found, model: text(fields.model), responseId: text(fields.responseId) }
}

function createFieldParser(provider: string, fields: FieldMap, meta: ExchangeMeta) {
  const endpoint = barePath(meta.path)
  const wanted = (['inputTokens', 'outputTokens'] as const).filter((k) => fields[k] !== undefined)
  const sseEvent = fields.sse?.event
  let requestModel: string | null = null
  let requestStream: boolean | null = null // a top-level `"stream": true|false`, the convention
  let kind: 'sse' | 'json' | 'none' = 'none'
  let usageEvent: Extracted | null = null // the last SSE event with a token count
  let streamModel: string | null = null
  let streamId: string | null = null
  let truncatedEvents = 0

  const base = (): FullUsage => ({
    ...emptyRecord(provider, endpoint, true),
    model: requestModel,
    stream: requestStream ?? kind === 'sse',
  })

  function onEvent(data: string): void {
    const parsed = tryParseJson(data)
    if (!parsed.ok) return // `[DONE]` and other non-JSON payloads
    const facts = extract(fields, parsed.value)
    streamModel = facts.model ?? streamModel
    streamId = facts.responseId ?? streamId
    if (facts.found > 0) usageEvent = facts
  }

  function record(facts: Extracted | null, parseError: string | null): FullUsage {
    const out = { ...base(), parseError }
    if (facts === null) return out
    const buckets: TokenBuckets = { ...emptyBuckets(), ...facts.counts }
    const complete = wanted.every((k) => facts.counts[k] !== undefined)
    return {
      ...out,
      ...buckets,
      model: facts.model ?? out.model,
      responseId: facts.responseId,
      usageSource: sourceOf(facts.found > 0, complete),
      rawUsage: facts.found > 0 ? facts.counts : null,
    }
  }

  return guardedParser({
    base,
    onRequest(captured) {
      if (!captured.whole) return
      const parsed = tryParseJson(captured.text)
      if (!parsed.ok || !isRecord(parsed.value)) return
      requestModel = readString(parsed.value.model)
      const stream = parsed.value.stream
      requestStream = typeof stream === 'boolean' ? stream : null
    },
    onResponseHead(_status, headers) {
      const type = bodyKind(headers)
      if (type === 'sse') {
        kind = 'sse'
        const reader = createSseReader({
          onEvent(event) {
            if (event.truncated) truncatedEvents++
            else if (sseEvent === undefined || event.event === sseEvent) onEvent(event.data)
          },
        })
        return streamResponse(reader, () => {
          const facts: Extracted | null = usageEvent
          const lastFacts =
            facts === null
              ? null
              : {
                  ...facts,
                  model: facts.model ?? streamModel,
                  responseId: facts.responseId ?? streamId,
                }
          const cut =
            truncatedEvents > 0 ? `${truncatedEvents} oversized SSE event(s) skipped` : null
          return record(lastFacts, lastFacts === null ? cut : null)
        })
      }
      if (type !== 'json' && type !== 'other') return null
      kind = 'json'
      return capturedJson((body) => {
        if (body.value !== undefined) {
          const facts = extract(fields, body.value)
          return record(facts.found > 0 || facts.model || facts.responseId ? facts : null, null)
        }
        // No text scans: the configured paths can only be read from a parsed body.
        if (body.parseError === null) return record(null, tooLargeError(body))
        return record(null, body.bytes === 0 ? null : body.parseError)
      })
    },
    finish: (usage) => usage ?? base(),
  })
}

/** A dialect reading usage at the configured JSON paths, recorded under `provider`. */
export function fieldMapDialect(provider: string, fields: FieldMap): ProviderDialect {
  return { provider, createParser: (meta) => createFieldParser(provider, fields, meta) }
}
