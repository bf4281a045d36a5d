// Per-request attribution headers (X-Tokentap-Project, X-Tokentap-Session; Claude Code sends
// them through ANTHROPIC_CUSTOM_HEADERS) and the head that goes upstream without them: no
// X-Tokentap-*, no Proxy-* and no other hop-by-hop header ever leaves the proxy. Pure; bad
// values are ignored and described in `notes`, never thrown. oneHeaderValue() is the one
// reader, shared with the clients' own ids (client-ids.ts).

import { redact } from '@tokentap/shared'
import type { HeaderList } from '../http1/head.ts'
import { endToEndHeaders } from '../http1/hop-by-hop.ts'

export const MAX_TAG_LENGTH = 128
const PRINTABLE = /^[\x20-\x7e]+$/

export interface HeaderTags {
  project: string | null
  session: string | null
  /** Why a header was ignored (names and reasons only, never the value). */
  notes: string[]
}

/** Why a (non-empty, trimmed) value is refused, or null when it is fine. */
export type ValueCheck = (value: string) => string | null

/** Printable ASCII, at most MAX_TAG_LENGTH characters: our own tags. */
const tagCheck: ValueCheck = (v) =>
  v.length > MAX_TAG_LENGTH
    ? `${v.length} characters (max ${MAX_TAG_LENGTH})`
    : PRINTABLE.test(v)
      ? null
      : 'not printable ASCII'

/**
 * The one value of header `name` (lower-case), trimmed, or null: absent, sent several times
 * with different values, empty, refused by `check`, or shaped like a credential (redact() would
 * mask it: a key pasted into the wrong header never reaches a record). Each refusal adds a note.
 */
export function oneHeaderValue(
  headers: HeaderList,
  name: string,
  notes: string[],
  check: ValueCheck,
): string | null {
  const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim())
  if (values.length === 0) return null
  const distinct = [...new Set(values)]
  if (distinct.length > 1) {
    notes.push(`${name}: sent ${values.length} times with different values, ignored`)
    return null
  }
  const v = distinct[0]!
  const refused =
    v.length === 0 ? 'empty' : (check(v) ?? (redact(v) !== v ? 'looks like a credential' : null))
  if (refused === null) return v
  notes.push(`${name}: ${refused}, ignored`)
  return null
}

export function readHeaderTags(headers: HeaderList): HeaderTags {
  const notes: string[] = []
  const project = oneHeaderValue(headers, 'x-tokentap-project', notes, tagCheck)
  const session = oneHeaderValue(headers, 'x-tokentap-session', notes, tagCheck)
  return { project, session, notes }
}

/** The request's headers for the upstream: without ours (X-Tokentap-*), the proxy's
 *  (Proxy-Authorization …) and every other connection-specific field (hop-by-hop.ts). */
export function forwardedHeaders(
  headers: HeaderList,
  keepUpgrade = false,
  framing: readonly [name: string, value: string] | null = null,
  connection?: string,
): HeaderList {
  const out = endToEndHeaders(headers, keepUpgrade, framing, connection)
  // Most requests carry none of ours: no second list then.
  return out.some(isOurs) ? out.filter((h) => !isOurs(h)) : out
}

const isOurs = ([n]: [string, string]): boolean => {
  const c = n.charCodeAt(0)
  return (c === 88 || c === 120) && n.toLowerCase().startsWith('x-tokentap-')
}
