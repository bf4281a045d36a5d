// A bounded copy of one body for exchange_bodies: the first `maxBytes` bytes, kept as they come,
// and the total size. `text()` decodes them (UTF-8, never cutting a character), marks a cut, and
// refuses binary (invalid UTF-8 or NUL bytes): only decoded text is ever stored. Pure.

export interface BodyTee {
  push(chunk: Uint8Array): void
  /** The body as text to store, null when nothing came; binary bodies become a short note. */
  text(): string | null
}

/** Start of the last, possibly incomplete, UTF-8 sequence when it is cut at `end`. */
function utf8Boundary(bytes: Uint8Array, end: number): number {
  let i = end
  // Back over continuation bytes (at most 3) to the lead byte.
  while (i > 0 && end - i < 4 && ((bytes[i - 1] ?? 0) & 0xc0) === 0x80) i--
  if (i === 0) return end
  const lead = bytes[i - 1] ?? 0
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return end - (i - 1) < need ? i - 1 : end
}

const strict = new TextDecoder('utf-8', { fatal: true })

export function createBodyTee(maxBytes: number): BodyTee {
  const parts: Uint8Array[] = []
  let kept = 0
  let total = 0
  return {
    push(chunk) {
      total += chunk.length
      const room = maxBytes - kept
      if (room <= 0 || chunk.length === 0) return
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
      parts.push(piece.slice()) // a copy: the caller reuses its buffers
      kept += piece.length
    },
    text() {
      if (total === 0) return null
      const all = new Uint8Array(kept)
      let at = 0
      for (const p of parts) {
        all.set(p, at)
        at += p.length
      }
      const cut = kept < total
      const end = cut ? utf8Boundary(all, kept) : kept
      let text: string
      try {
        text = strict.decode(all.subarray(0, end))
      } catch {
        return `[binary body, ${total} bytes: not stored]`
      }
      if (text.includes('\0')) return `[binary body, ${total} bytes: not stored]`
      return cut ? `${text}\n[truncated: first ${end} of ${total} bytes]` : text
    },
  }
}
