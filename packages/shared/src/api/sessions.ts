// The dashboard's API contract, sessions part: a session is the requests sharing a
// usage_events.session (X-Tokentap-Session, else the client's own session id: Claude Code,
// Codex); a sub-agent is a (agent, agentType) within it, null for the main thread. Figures are
// the rollup's measures (Totals) over all of a session's requests, exact whichever replicas
// recorded them.

import type { FiltersJson } from './responses.ts'
import type { Totals } from './types.ts'

/** How GET /api/sessions orders its rows (each most first). */
export const SESSION_SORTS = ['cost', 'last', 'requests', 'tokens'] as const
export type SessionSort = (typeof SESSION_SORTS)[number]

/** One session: its first and last request, who and what sent it, and its totals. */
export interface SessionRow extends Totals {
  session: string
  /** ISO 8601 UTC. */
  firstAt: string
  lastAt: string
  /** The smallest and the largest value among its requests: one when they all agree, two when
   *  they differ (there may be more in between), none when no request had one. */
  programs: string[]
  users: string[]
  projects: string[]
}

/** A session's main thread (agent and agentType null) or one of its sub-agents. */
export interface AgentRow extends Totals {
  /** The sub-agent's id (Claude Code's agent id, a Codex sub-agent's thread). */
  agent: string | null
  /** Its kind (general-purpose, Explore, collab_spawn, review …) when the client sent it. */
  agentType: string | null
  firstAt: string
  lastAt: string
}

/** GET /api/sessions/:id: the session and its breakdown by sub-agent (main thread first, then
 *  most spend first). */
export interface SessionDetail extends SessionRow {
  agents: AgentRow[]
}

/** GET /api/sessions: sessions active in the range (first request before its end,
 *  last at or after its start), `sort` order, at most `limit`. */
export interface SessionsResponse {
  filters: FiltersJson
  sort: SessionSort
  sessions: SessionRow[]
}

/** Tokens as the dashboard's token figure counts them: input + output + cache read + write. */
export function tokensOf(t: Totals): number {
  return (
    t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWrite5mTokens + t.cacheWrite1hTokens
  )
}
