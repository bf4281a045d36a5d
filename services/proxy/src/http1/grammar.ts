// RFC 9110 / 9112 character grammar the proxy holds every message to: tokens, field values,
// request targets, reason phrases, chunk lines. Strings are latin1 views of the wire bytes, so
// one character is one byte. Pure.

/** token = 1*tchar */
export const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** field-value: HTAB, SP, VCHAR and obs-text (0x80–0xFF); never CR, LF, NUL or another CTL. */
const FIELD_VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/

/** request-target: visible ASCII only (URI syntax); no SP, CTL, DEL or non-ASCII byte. */
const TARGET_RE = /^[\x21-\x7e]+$/

/** quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE */
const QUOTED = String.raw`"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*"`
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"

/** chunk = chunk-size *( ";" ext-name [ "=" ext-val ] ): no whitespace (strict parsers reject
 *  it after the size, so nobody downstream may read it differently). */
const CHUNK_LINE_RE = new RegExp(`^([0-9A-Fa-f]+)(?:;${TOKEN}(?:=(?:${TOKEN}|${QUOTED}))?)*$`)

/** transfer-coding = token *( OWS ";" OWS token "=" ( token / quoted-string ) ) */
const CODING_RE = new RegExp(`^(${TOKEN})((?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*)$`)

export const isToken = (s: string): boolean => TOKEN_RE.test(s)
export const isFieldValue = (s: string): boolean => FIELD_VALUE_RE.test(s)
export const isRequestTarget = (s: string): boolean => TARGET_RE.test(s)
/** reason-phrase = *( HTAB / SP / VCHAR / obs-text ): the field-value characters. */
export const isReasonPhrase = (s: string): boolean => FIELD_VALUE_RE.test(s)

/** Strips OWS (SP and HTAB only: String#trim would also eat 0xA0 and other bytes). */
export function trimOws(s: string): string {
  let a = 0
  let b = s.length
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--
  return a === 0 && b === s.length ? s : s.slice(a, b)
}

/** A chunk-size line (without CRLF) → the size, or null when it breaks the grammar or is too
 *  large to count exactly. Extensions are checked and ignored. */
export function parseChunkLine(line: string): number | null {
  const m = CHUNK_LINE_RE.exec(line)
  if (!m) return null
  const hex = m[1]!.replace(/^0+(?=.)/, '')
  if (hex.length > 13) return null
  return Number.parseInt(hex, 16)
}

/** A comma-separated list (RFC 9110 §5.6.1): elements with OWS trimmed, empty ones dropped. */
export function listElements(value: string): string[] {
  const out: string[] = []
  for (const part of value.split(',')) {
    const p = trimOws(part)
    if (p !== '') out.push(p)
  }
  return out
}

/** A transfer-coding list element → its lower-case name and whether it carries parameters. */
export function parseCoding(element: string): { name: string; params: boolean } | null {
  const m = CODING_RE.exec(element)
  return m ? { name: m[1]!.toLowerCase(), params: m[2] !== '' } : null
}
