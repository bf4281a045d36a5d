// Locates the members of a JSON object in its text, so a body can be edited in place (a member
// removed or inserted) with every other byte left exactly as it was — re-serialising would turn
// `1.0` into `1`, round big integers and rewrite escapes. Expects text that JSON.parse accepted.

export interface JsonMember {
  key: string
  /** Index of the key's opening quote. */
  keyStart: number
  valueStart: number
  /** Index just past the value. */
  valueEnd: number
}

export interface JsonObjectSpan {
  /** Index of `{`. */
  open: number
  /** Index of the matching `}`. */
  close: number
  members: JsonMember[]
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++
  return i
}

/** Index just past the string starting at `start` (a `"`), else -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 92) i++
    else if (c === 34) return i + 1
  }
  return -1
}

/** Index just past the JSON value starting at `start`, else -1. */
export function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start)
  if (first === 34) return stringEnd(text, start)
  if (first === 123 || first === 91) {
    let depth = 0
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 34) {
        i = stringEnd(text, i) - 1
        if (i < 0) return -1
      } else if (c === 123 || c === 91) depth++
      else if ((c === 125 || c === 93) && --depth === 0) return i + 1
    }
    return -1
  }
  let i = start
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 44 || c === 125 || c === 93 || isSpace(c)) break
    i++
  }
  return i > start ? i : -1
}

/** The members of the object starting at `from` (after optional whitespace), else null. */
export function objectMembers(text: string, from = 0): JsonObjectSpan | null {
  const open = skipSpace(text, from)
  if (text.charCodeAt(open) !== 123) return null
  const members: JsonMember[] = []
  let i = skipSpace(text, open + 1)
  if (text.charCodeAt(i) === 125) return { open, close: i, members }
  for (;;) {
    if (text.charCodeAt(i) !== 34) return null
    const keyEnd = stringEnd(text, i)
    if (keyEnd < 0) return null
    let key: string
    try {
      key = JSON.parse(text.slice(i, keyEnd)) as string
    } catch {
      return null
    }
    const colon = skipSpace(text, keyEnd)
    if (text.charCodeAt(colon) !== 58) return null
    const valueStart = skipSpace(text, colon + 1)
    const end = valueEnd(text, valueStart)
    if (end < 0) return null
    members.push({ key, keyStart: i, valueStart, valueEnd: end })
    const next = skipSpace(text, end)
    const c = text.charCodeAt(next)
    if (c === 125) return { open, close: next, members }
    if (c !== 44) return null
    i = skipSpace(text, next + 1)
  }
}

/** The last member named `key` (JSON.parse keeps the last of duplicates), else null. */
export function findMember(span: JsonObjectSpan, key: string): JsonMember | null {
  for (let i = span.members.length - 1; i >= 0; i--) {
    const member = span.members[i]
    if (member?.key === key) return member
  }
  return null
}

/** `text` without `member` and exactly one of the commas around it. */
export function removeMember(text: string, span: JsonObjectSpan, member: JsonMember): string {
  const at = span.members.indexOf(member)
  const previous = span.members[at - 1]
  if (previous !== undefined) return text.slice(0, previous.valueEnd) + text.slice(member.valueEnd)
  const next = span.members[at + 1]
  if (next !== undefined) return text.slice(0, member.keyStart) + text.slice(next.keyStart)
  return text.slice(0, member.keyStart) + text.slice(member.valueEnd)
}

/** `text` with `"key":value` (both already JSON text) added as the object's last member. */
export function appendMember(text: string, span: JsonObjectSpan, member: string): string {
  const last = span.members[span.members.length - 1]
  if (last === undefined)
    return `${text.slice(0, span.open + 1)}${member}${text.slice(span.open + 1)}`
  return `${text.slice(0, last.valueEnd)},${member}${text.slice(last.valueEnd)}`
}
