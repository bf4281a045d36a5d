// `program` from the User-Agent: which tool made the request. First matching rule wins (agents
// before the SDKs they embed); anything else is named by the UA's first product token.

type Rule = [RegExp, string | ((m: RegExpExecArray) => string)]

/** SDK language tokens as the SDKs spell them → our suffix. */
const LANGUAGE: Record<string, string> = { js: 'js', node: 'js', typescript: 'js', ts: 'js' }
const lang = (s: string): string => LANGUAGE[s.toLowerCase()] ?? s.toLowerCase()

const RULES: Rule[] = [
  // Claude Code: `claude-cli/2.0.14 (external, cli)`; the Agent SDK also says claude-cli.
  [/^claude-cli\//i, 'claude-code'],
  [/claude-code/i, 'claude-code'],
  // Codex: codex_cli_rs/…, codex_exec/…, codex_vscode/… (originator + version).
  [/^codex[_-]|codex_exec|codex_cli_rs/i, 'codex'],
  // Gemini CLI puts its own token first, then the google-genai SDK it runs on.
  [/GeminiCLI/i, 'gemini-cli'],
  // Stainless SDKs: `Anthropic/JS 0.65.0`, `AsyncAnthropic/Python 0.69.0`, `OpenAI/Go 1.2`.
  [
    /^(?:Async)?(Anthropic|OpenAI)\/([A-Za-z]+)/i,
    (m) => `${m[1]!.toLowerCase()}-sdk-${lang(m[2]!)}`,
  ],
  // google-genai: `google-genai-sdk/1.20.0 gl-node/v20.20.2`, `… gl-python/3.12.3`, `… gl-go/…`.
  [/google-genai-sdk\/\S+ gl-([a-z]+)/i, (m) => `google-genai-sdk-${lang(m[1]!)}`],
  [/google-genai-sdk/i, 'google-genai-sdk'],
  [/^curl\//i, 'curl'],
  [/^python-requests\//i, 'python-requests'],
  [/^python-httpx\//i, 'python-httpx'],
  [/^Go-http-client\//i, 'go-http-client'],
  [/^Bun\//i, 'bun'],
  [/^node(-fetch)?\b|^undici/i, 'node'],
]

export function classifyUserAgent(ua: string): string | null {
  for (const [re, name] of RULES) {
    const m = re.exec(ua)
    if (m) return typeof name === 'string' ? name : name(m)
  }
  const product = /^\s*([A-Za-z0-9._-]+)/.exec(ua)
  return product ? product[1]!.toLowerCase() : null
}

/** A client sends the same User-Agent on every request: remember the answer (bounded). */
const seen = new Map<string, string | null>()
const SEEN_MAX = 1024

export function programFromUserAgent(ua: string | undefined): string | null {
  if (!ua) return null
  const hit = seen.get(ua)
  if (hit !== undefined) return hit
  const program = classifyUserAgent(ua)
  if (seen.size >= SEEN_MAX) seen.clear()
  seen.set(ua, program)
  return program
}
