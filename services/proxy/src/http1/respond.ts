// Responses the proxy writes itself (errors, /health, /metrics): a complete HTTP/1.1 message.

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export interface LocalResponse {
  status: number
  contentType: string
  body: string
  /** Close the connection after this response (errors do). */
  close?: boolean
  headers?: Record<string, string>
}

/** `headOnly`: the answer to a HEAD request (no content; Content-Length still says its size). */
export function serializeResponse(r: LocalResponse, headOnly = false): string {
  let head = `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? 'Error'}\r\ncontent-type: ${r.contentType}\r\n`
  head += `content-length: ${Buffer.byteLength(r.body)}\r\n`
  for (const [k, v] of Object.entries(r.headers ?? {})) head += `${k}: ${v}\r\n`
  if (r.close) head += 'connection: close\r\n'
  return `${head}\r\n${headOnly ? '' : r.body}`
}

/** A plain-text error from the proxy; the connection closes after it. */
export function errorResponse(status: number, message: string, headOnly = false): string {
  return serializeResponse(
    {
      status,
      contentType: 'text/plain; charset=utf-8',
      body: `tokentap: ${message}\n`,
      close: true,
      headers: { 'x-tokentap-error': '1' },
    },
    headOnly,
  )
}
