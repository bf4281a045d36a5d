// Incremental splitter for a streamed top-level JSON array (`[{…}\n,\r\n{…}]`, Gemini's
// streamGenerateContent without alt=sse): hands each element's text over as soon as its closing
// brace arrives. Tracks strings, escapes and nesting depth across chunk boundaries; UTF-8 is
// decoded in streaming mode. An element longer than `maxElementChars` is reported truncated (its
// text dropped) while the scan goes on, so memory stays bounded. A bare top-level object (an error
// body) counts as one element. Never throws; malformed input stops the scan with `error`.

export interface JsonArraySplitter {
  push(bytes: Uint8Array): void
  end(): void
  /** The closing `]` (or the end of a bare object) was seen. */
  readonly closed: boolean
  readonly error: string | null
}

export interface JsonArraySplitterOptions {
  onElement(text: string, truncated: boolean): void
  maxElementChars?: number
}

type State = 'start' | 'before' | 'element' | 'after' | 'closed' | 'failed'

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13

export function createJsonArraySplitter(options: JsonArraySplitterOptions): JsonArraySplitter {
  const max = options.maxElementChars ?? 8 << 20
  const decoder = new TextDecoder()
  let state: State = 'start'
  let bare = false // the body is a single object, not an array
  let error: string | null = null
  let depth = 0
  let inString = false
  let escaped = false
  let parts: string[] = []
  let length = 0
  let truncated = false

  const fail = (message: string): void => {
    state = 'failed'
    error = message
    parts = []
  }

  function keep(text: string, from: number, to: number): void {
    if (truncated || to <= from) return
    length += to - from
    if (length > max) {
      truncated = true
      parts = []
      return
    }
    parts.push(text.slice(from, to))
  }

  function emit(): void {
    const text = truncated ? '' : parts.join('')
    const cut = truncated
    parts = []
    length = 0
    truncated = false
    state = bare ? 'closed' : 'after'
    options.onElement(text, cut)
  }

  function feed(text: string): void {
    let i = 0
    let from = state === 'element' ? 0 : -1 // start of the element text within this segment
    while (i < text.length) {
      if (state === 'failed' || state === 'closed') {
        if (state === 'closed' && !/^\s*$/.test(text.slice(i)))
          fail('data after the end of the array')
        return
      }
      const c = text.charCodeAt(i)
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false
          else if (c === 92) escaped = true
          else if (c === 34) inString = false
        } else if (c === 34) inString = true
        else if (c === 123 || c === 91) depth++
        else if (c === 125 || c === 93) {
          if (--depth === 0) {
            keep(text, from, i + 1)
            emit()
            from = -1
          }
        }
        i++
        continue
      }
      if (isSpace(c) || c === 0xfeff) {
        i++
        continue
      }
      if (state === 'start') {
        if (c === 91) state = 'before'
        else if (c === 123) {
          bare = true
          state = 'element'
          depth = 0
          from = i
          continue
        } else {
          fail('response is not a JSON array')
          return
        }
      } else if (state === 'before' || state === 'after') {
        if (c === 93) state = 'closed'
        else if (state === 'after' && c === 44) state = 'before'
        else if (state === 'before' && (c === 123 || c === 91)) {
          state = 'element'
          depth = 0
          from = i
          continue
        } else {
          fail('unexpected character between array elements')
          return
        }
      }
      i++
    }
    if (state === 'element' && from !== -1) keep(text, from, text.length)
  }

  return {
    push(bytes) {
      if (state === 'failed' || state === 'closed') return
      const text = decoder.decode(bytes, { stream: true })
      if (text !== '') feed(text)
    },
    end() {
      const rest = decoder.decode()
      if (rest !== '' && state !== 'failed') feed(rest)
    },
    get closed() {
      return state === 'closed'
    },
    get error() {
      return error
    },
  }
}
