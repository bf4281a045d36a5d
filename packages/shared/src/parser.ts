// The contract between the proxy and the pure provider parsers (docs/ARCHITECTURE.md §4, rule 3).
// The proxy hands parsers copies of decoded bytes; parsers never see sockets and never throw.

import type { BilledUsage } from './billing.ts'
import type { TokenBuckets, UsageSource } from './usage.ts'

/** Lower-cased header names; repeated headers joined with ", ". */
export type HeaderMap = Readonly<Record<string, string>>

export interface ExchangeMeta {
  host: string
  method: string
  /** Request target in origin form, query included. */
  path: string
  requestHeaders: HeaderMap
}

/** What a parser knows about an exchange when it ends (billing: tier, units … see billing.ts). */
export interface ParsedUsage extends Partial<TokenBuckets>, Partial<BilledUsage> {
  provider: string
  endpoint?: string | null
  model?: string | null
  stream?: boolean
  responseId?: string | null
  usageSource: UsageSource
  billable: boolean
  parseError?: string | null
  rawUsage?: unknown
  /** Provider credits (Amazon Q / Kiro metering), when the provider bills in credits. */
  credits?: number | null
}

/** A bounded sample of text and how much of the whole it stands for. */
export interface TextSample {
  text: string
  /** ≥ 1: the whole was about this many times the sample (1 when nothing was left out). */
  scale: number
}

/** What an exchange carried, kept (bounded) so its tokens can be estimated when the provider
 *  reported no usage. Read only after end(); cheap to build (no extraction happens here). */
export interface SeenText {
  /** The request body as captured: whole JSON text, or a head and tail when `whole` is false. */
  request: TextSample & { whole: boolean }
  /** Visible output (answer, reasoning, tool-call arguments) seen in the response, in order. */
  output: TextSample
  /** Why the provider's usage is missing, when the parser knows (e.g. include_usage off). */
  reason?: string
}

export interface ExchangeParser {
  /** Decoded request body bytes, a bounded prefix of them (see `requestTruncated`). */
  pushRequest(chunk: Uint8Array): void
  /** Called once the request body is complete; `truncated` when the copy was cut at the bound. */
  endRequest(truncated: boolean): void
  onResponseHead(status: number, headers: HeaderMap): void
  /** Decoded response body bytes, in order. */
  pushResponse(chunk: Uint8Array): void
  /** The exchange is over (complete or not); returns what is known. Never throws. */
  end(): ParsedUsage
  /** The text seen, for an estimate; call after end(). Optional: null/absent → no estimate. */
  seenText?(): SeenText | null
}

export type WsDirection = 'client' | 'server'

/** One complete WebSocket message (fragments joined, permessage-deflate inflated). */
export interface WsMessage {
  direction: WsDirection
  /** 1 = text, 2 = binary. */
  opcode: number
  data: Uint8Array
}

/** Parses a WebSocket conversation; may yield several usages (one per response on the socket). */
export interface WsExchangeParser {
  /** Returns the usages completed by this message (often none). */
  onMessage(message: WsMessage): ParsedUsage[]
  /** The socket closed: usages still open, flagged partial. */
  end(): ParsedUsage[]
  /** The text seen for a usage this parser returned (by identity), for an estimate. */
  seenText?(usage: ParsedUsage): SeenText | null
}

/** A byte filter over a response body (payload in, payload out), stateful across chunks. */
export interface BodyFilter {
  push(chunk: Uint8Array): Uint8Array
  end(): Uint8Array
}

/** A request body the dialect changed before it goes upstream. */
export interface RequestRewrite {
  body: Uint8Array
  /** Undoes, on the streamed response the client receives, what the rewrite caused. */
  createResponseFilter(): BodyFilter
}

/** A provider's own error format, for answers the proxy makes itself (hard budgets): Anthropic
 *  `{"type":"error","error":{…}}`, OpenAI `{"error":{"message","type","code"}}`, Google
 *  `{"error":{"code","message","status"}}`, AWS `{"message"}` + `x-amzn-errortype`. */
export type ErrorFormat = 'anthropic' | 'openai' | 'google' | 'aws'

/** A billable request as its head shows it: hard budgets decide before anything goes upstream. */
export interface BillableRequest {
  /** The model the path names (Gemini, Vertex, Bedrock, an Azure deployment), else null. */
  pathModel: string | null
  /** The JSON body's top-level `model` names the model (it wins over pathModel when present). */
  modelInBody: boolean
  errorFormat: ErrorFormat
}

export interface ProviderDialect {
  /** Provider name recorded on the exchange (anthropic, openai, gemini, …). */
  provider: string
  createParser(meta: ExchangeMeta): ExchangeParser
  createWsParser?(meta: ExchangeMeta): WsExchangeParser
  /** True for exchanges whose request body this dialect may rewrite: the proxy then holds the
   *  (small) request body until it is complete before sending it upstream. */
  wantsRequestBody?(meta: ExchangeMeta): boolean
  /** The rewritten request, or null to send the body unchanged. Pure; never throws. */
  rewriteRequest?(meta: ExchangeMeta, body: Uint8Array): RequestRewrite | null
  /** Is this request billable, judged from its head alone? null: it is not (a token count, a
   *  model list, a side call). Absent: the dialect cannot tell, and hard budgets never block
   *  its requests. Pure. */
  billableRequest?(meta: ExchangeMeta): BillableRequest | null
}
