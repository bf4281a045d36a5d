// Heads on their way out, rebuilt from the parsed form. Every piece is checked against the
// grammar before it is written, so no caller can make the proxy emit CR, LF, NUL or another
// control character inside a line, nor a second line where one was meant.

import { isFieldValue, isReasonPhrase, isRequestTarget, isToken } from './grammar.ts'
import type { HeaderList, RequestHead, ResponseHead } from './head.ts'

/** A head that would not serialize to one well-formed message; a bug, never a client's input
 *  (the parser refuses that first). */
export class UnsafeHeadError extends Error {
  constructor(what: string) {
    super(`refusing to serialize a head: ${what}`)
    this.name = 'UnsafeHeadError'
  }
}

function version(v: string): string {
  if (v !== '1.1' && v !== '1.0') throw new UnsafeHeadError('HTTP version')
  return v
}

function fieldLines(headers: HeaderList): string {
  let s = ''
  for (const [n, v] of headers) {
    if (!isToken(n)) throw new UnsafeHeadError('header name')
    if (!isFieldValue(v)) throw new UnsafeHeadError(`value of ${n}`)
    s += `${n}: ${v}\r\n`
  }
  return s
}

export function serializeRequestHead(head: RequestHead): Buffer {
  if (!isToken(head.method)) throw new UnsafeHeadError('method')
  if (!isRequestTarget(head.target)) throw new UnsafeHeadError('request target')
  const s = `${head.method} ${head.target} HTTP/${version(head.version)}\r\n`
  return Buffer.from(`${s}${fieldLines(head.headers)}\r\n`, 'latin1')
}

export function serializeResponseHead(head: ResponseHead): Buffer {
  const { status, reason } = head
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw new UnsafeHeadError('status code')
  if (!isReasonPhrase(reason)) throw new UnsafeHeadError('reason phrase')
  const s = `HTTP/${version(head.version)} ${status} ${reason}\r\n`
  return Buffer.from(`${s}${fieldLines(head.headers)}\r\n`, 'latin1')
}
