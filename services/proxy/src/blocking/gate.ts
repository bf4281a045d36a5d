// One request's gate (pure): is it billable (its dialect says, from the head), which over-limit
// budgets take it (decide.ts), and — once its model is known, from the path or the held body —
// the refusal to answer with: the budget's message in the provider's error format.

import type { ExchangeMeta, ProviderDialect } from '@tokentap/shared'
import { blockedMessage } from '@tokentap/shared/budgets'
import type { Attribution, GateRefusal, RequestGate } from '../mitm/context.ts'
import { blockedAnswer } from './answer.ts'
import { bodyModel } from './body-model.ts'
import { type BlockSnapshot, blockingBudget, candidates } from './decide.ts'

/** Is `model` priced at zero (free-models.ts)? */
export type IsFree = (provider: string, host: string, model: string) => boolean

export function requestGate(
  snapshot: BlockSnapshot,
  dialect: ProviderDialect,
  meta: ExchangeMeta,
  who: Attribution,
  nowMs: number,
  isFree: IsFree,
): RequestGate | null {
  const billable = dialect.billableRequest?.(meta) ?? null
  if (billable === null) return null
  const provider = dialect.provider
  const cands = candidates(snapshot, { ...who, provider }, nowMs)
  if (cands.length === 0) return null
  const refusal = (model: string | null): GateRefusal | null => {
    const hit = blockingBudget(cands, model, (m) => isFree(provider, meta.host, m))
    if (hit === null) return null
    const message = blockedMessage({
      budget: hit.budget,
      spentUsd: hit.spentUsd,
      resetsAt: hit.window.end,
      timezone: snapshot.timezone,
    })
    return { response: blockedAnswer(billable.errorFormat, message), message }
  }
  return {
    needsBody: billable.modelInBody,
    decide(body) {
      const named =
        billable.modelInBody && body !== null
          ? bodyModel(body.payload, body.complete, body.contentEncoding)
          : null
      return refusal(named ?? billable.pathModel)
    },
  }
}
