// The ids coding agents send about themselves on each model request: their session and, for a
// sub-agent, its id and kind. Read only: these headers go upstream untouched (they are the
// client's, not ours). Pure; a bad value is ignored with a note, never thrown.
//
// As observed from the real clients (services/proxy/test/clients/):
// - Claude Code (2.1): `X-Claude-Code-Session-Id: <uuid>` on every Messages API call (not on
//   its /api/claude_code/* side calls); a sub-agent's calls (Agent/Task tool) add
//   `x-claude-code-agent-id: a0aaff6c392cc486a` and, unless its gateway hint headers are off,
//   `x-claude-code-agent-type: general-purpose` (the agent's kind: Explore, Plan, custom …).
// - Codex (0.169): `session-id: <uuid>` and `thread-id` on the Responses WebSocket upgrade and
//   on HTTP requests; a spawned sub-agent keeps the session and sends its own `thread-id` with
//   `x-openai-subagent: collab_spawn` (review, compact … for built-in ones). Older Codex sent
//   `session_id` / `conversation_id`.
// - Gemini CLI sends no session header (Code Assist puts `session_id` in the request body).

import type { HeaderList } from '../http1/head.ts'
import { oneHeaderValue, type ValueCheck } from './headers.ts'

export const MAX_CLIENT_ID_LENGTH = 128
/** Ids and kinds as clients build them: UUIDs, hex, names like `general-purpose`, `/root/a`;
 *  `%` because Claude Code percent-encodes what it would not send raw. No spaces, no quotes. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+%=-]*$/

const idCheck: ValueCheck = (v) =>
  v.length > MAX_CLIENT_ID_LENGTH
    ? `${v.length} characters (max ${MAX_CLIENT_ID_LENGTH})`
    : ID.test(v)
      ? null
      : 'not an id (letters, digits and . _ : / @ + % = - only)'

/** Session headers, first present wins (Claude Code, Codex, older Codex). */
const SESSION_HEADERS = ['x-claude-code-session-id', 'session-id', 'session_id', 'conversation_id']

export interface ClientIds {
  /** The client's own session id. */
  session: string | null
  /** The sub-agent's id; null on the main thread. */
  agent: string | null
  /** The sub-agent's kind (general-purpose, collab_spawn, …); null when not sent. */
  agentType: string | null
  /** Why a header was ignored (names and reasons only, never the value). */
  notes: string[]
}

export function readClientIds(headers: HeaderList): ClientIds {
  const notes: string[] = []
  const read = (name: string): string | null => oneHeaderValue(headers, name, notes, idCheck)
  const present = (name: string): boolean => headers.some(([n]) => n.toLowerCase() === name)

  const sessionHeader = SESSION_HEADERS.find(present)
  const session = sessionHeader === undefined ? null : read(sessionHeader)

  // Claude Code names the sub-agent; Codex marks a sub-agent's request and its thread is the id.
  if (present('x-claude-code-agent-id') || present('x-claude-code-agent-type')) {
    return {
      session,
      agent: read('x-claude-code-agent-id'),
      agentType: read('x-claude-code-agent-type'),
      notes,
    }
  }
  if (present('x-openai-subagent')) {
    return { session, agent: read('thread-id'), agentType: read('x-openai-subagent'), notes }
  }
  return { session, agent: null, agentType: null, notes }
}
