// What OpenAI-style responses bill outside their usage object (billing.ts UsageFacts):
// - `service_tier` on the response (Chat Completions object and chunks, Responses object): the
//   tier that served, and was billed, which may differ from the one asked for;
// - Responses output items of the built-in tools billed per call: `web_search_call` (one per
//   search), `file_search_call`, `code_interpreter_call`, `image_generation_call`;
// - Chat Completions search models (gpt-4o-search-preview, gpt-5-search-api …), which "always
//   retrieve information from the web before responding": one web search per answered request.
// Pure.

import type { BilledUnits } from '@tokentap/shared'
import { addUnit, readLabel, type UsageFacts } from '../common/billing.ts'
import { isRecord, type JsonObject } from '../common/json-values.ts'

/** Responses output item type → unit kind. */
const TOOL_ITEMS: Readonly<Record<string, string>> = {
  web_search_call: 'web_searches',
  file_search_call: 'file_searches',
  code_interpreter_call: 'code_interpreter_calls',
  image_generation_call: 'image_generation_calls',
}

/** A Responses object's (or a terminal event's `response`) tier and tool-call items. */
export function responseBillingFacts(response: JsonObject): UsageFacts {
  const units: BilledUnits = {}
  const output = Array.isArray(response.output) ? response.output : []
  for (const item of output) {
    const kind = isRecord(item) && typeof item.type === 'string' ? TOOL_ITEMS[item.type] : undefined
    if (kind !== undefined) addUnit(units, kind, 1)
  }
  return { serviceTier: readLabel(response.service_tier), units }
}

const SEARCH_MODEL = /-search(?:-|$)/i

/** A Chat Completions object's (or chunk's) tier, and the one web search of a search model. */
export function chatBillingFacts(serviceTier: unknown, model: string | null): UsageFacts {
  const units: BilledUnits = {}
  if (model !== null && SEARCH_MODEL.test(model)) addUnit(units, 'web_searches', 1)
  return { serviceTier: readLabel(serviceTier), units }
}
