// The text a request sends to the model, for estimating its input tokens: from a JSON body of
// any dialect — Anthropic (`system`, `messages[].content` strings or blocks), OpenAI Chat
// (`messages`), Responses (`instructions`, `input`), Gemini (`contents[].parts`,
// `systemInstruction`, Code Assist's `request` wrapper) — plus tool definitions and tool
// call/result payloads, which are input tokens too. Images, audio and files (base64) are not
// text and are skipped. Bounded; garbage in → ''.

const MAX_CHARS = 2 * 1024 * 1024
const MAX_DEPTH = 24

/** Keys whose values are (or contain) prose. */
const TEXT_KEYS = ['text', 'thinking', 'content', 'parts', 'output', 'summary', 'tool_calls']
/** Keys whose values are structured payloads (tool inputs/arguments), counted as JSON. */
const JSON_KEYS = ['input', 'arguments', 'args', 'functionCall', 'functionResponse']
/** Keys holding nested call objects, e.g. `{ function: { name, arguments } }`. */
const NESTED_KEYS = ['function', 'function_call']

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

class Sink {
  private readonly parts: string[] = []
  private left: number
  constructor(max: number) {
    this.left = max
  }
  get full(): boolean {
    return this.left <= 0
  }
  push(s: string): void {
    if (s === '' || this.full) return
    let piece = s.length > this.left ? s.slice(0, this.left) : s
    const last = piece.charCodeAt(piece.length - 1)
    if (piece.length < s.length && last >= 0xd800 && last <= 0xdbff) piece = piece.slice(0, -1)
    this.parts.push(piece)
    this.left -= piece.length + 1
  }
  json(v: unknown): void {
    if (v === undefined || v === null || this.full) return
    if (typeof v === 'string') {
      this.push(v)
      return
    }
    try {
      this.push(JSON.stringify(v) ?? '')
    } catch {
      // Unserialisable values cannot come from JSON.parse; nothing to count.
    }
  }
  text(): string {
    return this.parts.join('\n')
  }
}

/** Prose of a content value: strings, block arrays, `{ text }` parts, tool calls and results. */
function walk(node: unknown, sink: Sink, depth: number): void {
  if (sink.full || depth > MAX_DEPTH) return
  if (typeof node === 'string') {
    sink.push(node)
    return
  }
  if (Array.isArray(node)) {
    for (const item of node) walk(item, sink, depth + 1)
    return
  }
  if (!isObj(node)) return
  for (const key of NESTED_KEYS) if (isObj(node[key])) walk(node[key], sink, depth + 1)
  for (const key of TEXT_KEYS) if (node[key] !== undefined) walk(node[key], sink, depth + 1)
  for (const key of JSON_KEYS) sink.json(node[key])
}

function collect(body: Obj, sink: Sink, depth: number): void {
  // Gemini Code Assist (cloudcode-pa) wraps the generateContent body in `request`.
  if (isObj(body.request)) collect(body.request, sink, depth + 1)
  walk(body.system, sink, depth) // Anthropic
  walk(body.instructions, sink, depth) // Responses
  walk(body.systemInstruction ?? body.system_instruction, sink, depth) // Gemini
  if (Array.isArray(body.tools)) sink.json(body.tools)
  walk(body.messages, sink, depth) // Anthropic, OpenAI Chat
  walk(body.contents, sink, depth) // Gemini
  // Responses `input` (string or items), embeddings `input`, legacy completions `prompt`.
  walk(body.input, sink, depth)
  walk(body.prompt, sink, depth)
}

/** The concatenated prompt text of a JSON request body, at most `maxChars`; '' when the body
 *  is not a JSON object. Never throws. */
export function extractRequestText(body: string, maxChars: number = MAX_CHARS): string {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return ''
  }
  if (!isObj(json)) return ''
  const sink = new Sink(maxChars)
  collect(json, sink, 0)
  return sink.text()
}

const STRING_LITERAL = /"((?:[^"\\\n]|\\.)*)"(\s*:)?/g

/** Prompt text of JSON fragments (a sample of a body too large to parse): the string VALUES
 *  found (keys and JSON syntax dropped, escapes decoded), one a line. Never throws. */
export function looseRequestText(fragments: string): string {
  const out: string[] = []
  for (const line of fragments.split('\n')) looseLine(line, out)
  return out.join('\n')
}

/** One fragment: it may start inside a string, so reading starts at the first quote that
 *  follows JSON punctuation (`{"`, `,"`, `["`, `:"`). */
function looseLine(line: string, out: string[]): void {
  const start = /[{[,:]\s*"/.exec(line)
  if (start === null) return
  const from = start.index + start[0].length - 1
  for (const m of line.slice(from).matchAll(STRING_LITERAL)) {
    if (m[2] !== undefined) continue // a key
    const raw = m[1] ?? ''
    if (raw === '') continue
    try {
      out.push(JSON.parse(`"${raw}"`) as string)
    } catch {
      out.push(raw)
    }
  }
}
