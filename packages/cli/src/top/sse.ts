// Incremental text/event-stream parser (pure): feed decoded text, get complete events.

export interface SseEvent {
  event: string
  data: string
  id: string | null
}

export function createSseParser(): { push(text: string): SseEvent[] } {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | null = null
  return {
    push(text) {
      buffer += text
      const out: SseEvent[] = []
      for (let nl = buffer.search(/\r\n|\r|\n/); nl >= 0; nl = buffer.search(/\r\n|\r|\n/)) {
        const line = buffer.slice(0, nl)
        // A lone \r at the end may be the first half of \r\n: wait for more.
        if (buffer[nl] === '\r' && nl === buffer.length - 1) break
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1))
        if (line === '') {
          if (data.length > 0) out.push({ event: event || 'message', data: data.join('\n'), id })
          event = ''
          data = []
          continue
        }
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        let value = colon < 0 ? '' : line.slice(colon + 1)
        if (value.startsWith(' ')) value = value.slice(1)
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
        else if (field === 'id') id = value
      }
      return out
    },
  }
}
