// Does a server speak Postgres? The pure half of the probe `tokentap up` sends before migrating:
// the 8-byte SSLRequest every Postgres answers with one byte, 'S' or 'N' (or an 'E' error from
// very old servers), and what to say about any other answer.

/** Int32 length 8, Int32 code 80877103 (1234 << 16 | 5679). */
export const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])

/** Host and port to probe, or null when the URL names something else (a socket dir, several
 *  hosts): then the migration alone tells. */
export function probeTarget(url: string): { host: string; port: number } | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (!/^postgres(ql)?:$/.test(u.protocol) || u.hostname === '' || u.hostname.includes(',')) {
    return null
  }
  if (u.searchParams.has('host')) return null
  const host = u.hostname.replace(/^\[|\]$/g, '')
  return { host, port: u.port === '' ? 5432 : Number(u.port) }
}

/** null when `reply` is a Postgres answer; otherwise why not (error: a socket error code,
 *  'closed', or null for a timeout when nothing came). */
export function probeFailure(reply: Buffer, error: string | null, where: string): string | null {
  const first = reply[0]
  if (first === 0x53 || first === 0x4e || first === 0x45) return null // 'S', 'N', 'E'
  if (reply.length > 0) {
    const text = reply
      .subarray(0, 40)
      .toString('latin1')
      .replace(/[^\x20-\x7e]+/g, ' ')
      .trim()
    return `${where} does not speak the Postgres protocol (it answered "${text}")`
  }
  if (error === 'ECONNREFUSED') return `nothing listens on ${where}`
  if (error === 'closed') return `${where} closed the connection without a Postgres answer`
  if (error) return `cannot connect to ${where} (${error})`
  return `no answer from ${where}`
}
