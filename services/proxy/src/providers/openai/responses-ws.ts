// Responses over WebSocket (Codex's default transport). The client sends `response.create`
// messages (the create body plus `type`; `generate: false` asks for a warm-up that produces no
// output), or `response.append` to continue the last one; the server answers each with the same
// JSON events as the SSE stream. One socket carries many responses in turn, so the parser keeps
// the requests not yet answered (FIFO) and the responses not yet finished (by `response.id`), and
// yields one record per response: on `response.completed` / `.incomplete` / `.failed`, or on an
// `error` event (which closes the response in flight, or rejects the oldest request). end() flushes
// what is still open. Bounded: at most MAX_OPEN of each are kept; the oldest is flushed first.

import type {
  ExchangeMeta,
  ParsedUsage,
  SeenText,
  WsExchangeParser,
  WsMessage,
} from '@tokentap/shared'
import { errorText } from '@tokentap/shared'
import type { UsageFacts } from '../common/billing.ts'
import { firstStringField } from '../common/json-fields.ts'
import { isRecord, type JsonObject, readString, tryParseJson } from '../common/json-values.ts'
import { emptyRecord, sourceOf } from '../common/record.ts'
import { createOutputText, type OutputText, sampleRequest } from '../common/seen-text.ts'
import {
  deltaText,
  readResponseEvent,
  sniffEventType,
  TERMINAL_EVENTS,
  TEXT_DELTA_EVENTS,
} from './responses-events.ts'
import { isZeroUsage, normalizeResponsesUsage } from './usage.ts'

const MAX_OPEN = 64
/** Messages above this are scanned instead of parsed (a completed event repeats all output). */
const PARSE_CAP = 16 << 20
const SCAN_HEAD = 64 << 10

interface Request {
  model: string | null
  /** `generate: false`: a warm-up. */
  generate: boolean | null
  /** The create message, bounded like an HTTP request copy (for estimates). */
  text: SeenText['request']
}

interface Entry extends Request {
  responseId: string | null
  usage: JsonObject | null
  /** The terminal event's billing facts (tier, tool-call items). */
  facts: UsageFacts | null
  parseError: string | null
  output: OutputText
}

const NO_TEXT: SeenText['request'] = { text: '', scale: 1, whole: true }

/** A create message as SeenText keeps it (bounded: see sampleRequest). */
const requestText = (text: string): SeenText['request'] => sampleRequest(text, text.length, true)

function readCreate(text: string): Request {
  if (text.length <= PARSE_CAP) {
    const parsed = tryParseJson(text)
    if (parsed.ok && isRecord(parsed.value)) {
      const generate = parsed.value.generate
      return {
        model: readString(parsed.value.model),
        generate: typeof generate === 'boolean' ? generate : null,
        text: requestText(text),
      }
    }
  }
  return {
    model: firstStringField(text.slice(0, SCAN_HEAD), 'model'),
    generate: null,
    text: requestText(text),
  }
}

export function createResponsesWsParser(provider: string, _meta: ExchangeMeta): WsExchangeParser {
  const decoder = new TextDecoder()
  const requests: Request[] = []
  const open = new Map<string, Entry>()
  const finished: string[] = [] // ids already recorded, newest last
  let lastModel: string | null = null
  const seen = new WeakMap<ParsedUsage, SeenText>()
  let internalError: string | null = null
  let ended = false

  /** A request that never got a response of its own (rejected, or unanswered at the end). */
  const unanswered = (request: Request): Entry => ({
    ...request,
    responseId: null,
    usage: null,
    facts: null,
    parseError: null,
    output: createOutputText(),
  })

  function record(entry: Entry, complete: boolean): ParsedUsage {
    const usage = entry.usage
    // A parser fault is reported once, on the next record out.
    const parseError = entry.parseError ?? internalError
    internalError = null
    const warmup = entry.generate === false && isZeroUsage(usage)
    const parsed: ParsedUsage = {
      ...emptyRecord(provider, 'responses', !warmup),
      model: entry.model,
      stream: true,
      responseId: entry.responseId,
      usageSource: sourceOf(usage !== null, complete),
      parseError,
      rawUsage: usage,
      ...(usage === null ? {} : normalizeResponsesUsage(usage, entry.facts ?? undefined)),
    }
    seen.set(parsed, { request: entry.text, output: entry.output.sample() })
    return parsed
  }

  function close(entry: Entry, complete: boolean): ParsedUsage {
    if (entry.responseId !== null) {
      open.delete(entry.responseId)
      finished.push(entry.responseId)
      if (finished.length > MAX_OPEN) finished.shift()
    }
    return record(entry, complete)
  }

  /** The entry of a response id: known, or new and matched with the oldest unanswered request. */
  function entryFor(responseId: string, out: ParsedUsage[]): Entry {
    const known = open.get(responseId)
    if (known !== undefined) return known
    const request = requests.shift() ?? { model: lastModel, generate: null, text: NO_TEXT }
    const entry: Entry = {
      ...request,
      responseId,
      usage: null,
      facts: null,
      parseError: null,
      output: createOutputText(),
    }
    open.set(responseId, entry)
    if (open.size > MAX_OPEN) {
      const oldest = open.values().next().value
      if (oldest !== undefined) out.push(close(oldest, false))
    }
    return entry
  }

  function onClient(text: string, out: ParsedUsage[]): void {
    const type = sniffEventType(text) ?? readString(tryParse(text)?.type)
    if (type === 'response.create') {
      const request = readCreate(text)
      lastModel = request.model ?? lastModel
      requests.push(request)
    } else if (type === 'response.append') {
      requests.push({ model: lastModel, generate: null, text: requestText(text) })
    } else return
    if (requests.length > MAX_OPEN) {
      const dropped = requests.shift()
      if (dropped !== undefined) out.push(record(unanswered(dropped), false))
    }
  }

  function onServer(text: string, out: ParsedUsage[]): void {
    const cut = text.length > PARSE_CAP
    const type = sniffEventType(text)
    if (type !== undefined && TEXT_DELTA_EVENTS.has(type)) {
      // Deltas name no response: they belong to the newest one in flight.
      const entry = [...open.values()].pop()
      entry?.output.add(text.length, () => (cut ? '' : deltaText(text)))
      return
    }
    const facts = readResponseEvent(type, text, cut)
    if (facts === null) return
    const id = facts.responseId
    if (facts.type === 'error') {
      const inFlight = (id === null ? undefined : open.get(id)) ?? [...open.values()].pop()
      if (inFlight !== undefined) out.push(close(inFlight, false))
      else {
        const rejected = requests.shift()
        if (rejected !== undefined) out.push(record(unanswered(rejected), false))
      }
      return
    }
    if (id === null || finished.includes(id)) return
    const entry = entryFor(id, out)
    if (facts.model !== null) entry.model = facts.model
    if (facts.usage !== null) entry.usage = facts.usage
    if (facts.billing !== null) entry.facts = facts.billing
    if (facts.unreadable) entry.parseError ??= `${facts.type}: event unreadable`
    if (TERMINAL_EVENTS.has(facts.type)) {
      out.push(close(entry, !facts.unreadable || facts.usage !== null))
    }
  }

  return {
    onMessage(message: WsMessage) {
      const out: ParsedUsage[] = []
      if (ended) return out
      try {
        const text = decoder.decode(message.data)
        if (message.direction === 'client') onClient(text, out)
        else onServer(text, out)
      } catch (error) {
        internalError ??= `parser error: ${errorText(error)}`
      }
      return out
    },
    end() {
      if (ended) return []
      ended = true
      const out: ParsedUsage[] = []
      try {
        for (const entry of [...open.values()]) out.push(close(entry, false))
        for (const request of requests.splice(0)) out.push(record(unanswered(request), false))
      } catch (error) {
        internalError ??= `parser error: ${errorText(error)}`
      }
      return out
    },
    seenText: (usage) => seen.get(usage) ?? null,
  }
}

function tryParse(text: string): JsonObject | null {
  if (text.length > PARSE_CAP) return null
  const parsed = tryParseJson(text)
  return parsed.ok && isRecord(parsed.value) ? parsed.value : null
}
