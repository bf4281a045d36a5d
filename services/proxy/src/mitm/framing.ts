// Which body framing a request or response uses (RFC 9112 §6).

import type { Framing } from '../http1/body.ts'
import {
  getHeader,
  type HeaderList,
  headerHasToken,
  type RequestHead,
  type ResponseHead,
} from '../http1/head.ts'

function lengthOf(headers: HeaderList): number | null | 'invalid' {
  const v = getHeader(headers, 'content-length')
  if (v === undefined) return null
  const parts = v.split(',').map((s) => s.trim())
  if (!parts.every((p) => /^\d{1,15}$/.test(p) && p === parts[0])) return 'invalid'
  return Number(parts[0])
}

export function requestFraming(head: RequestHead): Framing | 'invalid' {
  if (headerHasToken(head.headers, 'transfer-encoding', 'chunked')) return { kind: 'chunked' }
  if (getHeader(head.headers, 'transfer-encoding') !== undefined) return 'invalid'
  const len = lengthOf(head.headers)
  if (len === 'invalid') return 'invalid'
  return len === null || len === 0 ? { kind: 'none' } : { kind: 'length', length: len }
}

export function responseFraming(method: string, head: ResponseHead): Framing {
  const s = head.status
  if (method === 'HEAD' || (s >= 100 && s < 200) || s === 204 || s === 304) return { kind: 'none' }
  if (headerHasToken(head.headers, 'transfer-encoding', 'chunked')) return { kind: 'chunked' }
  const len = lengthOf(head.headers)
  if (typeof len === 'number') return len === 0 ? { kind: 'none' } : { kind: 'length', length: len }
  return { kind: 'close' }
}

export function wantsClose(version: string, headers: HeaderList): boolean {
  if (headerHasToken(headers, 'connection', 'close')) return true
  return version === '1.0' && !headerHasToken(headers, 'connection', 'keep-alive')
}
