// `program` from the User-Agent: which tool made the request.

const RULES: [RegExp, string][] = [
  [/^claude-cli\//i, 'claude-code'],
  [/claude-code/i, 'claude-code'],
  [/^codex[_-]|codex_exec|codex_cli_rs/i, 'codex'],
  [/GeminiCLI/i, 'gemini-cli'],
  [/^Anthropic\/Python/i, 'anthropic-sdk-python'],
  [/^Anthropic\/JS/i, 'anthropic-sdk-js'],
  [/^OpenAI\/Python/i, 'openai-sdk-python'],
  [/^OpenAI\/JS/i, 'openai-sdk-js'],
  [/google-genai-sdk\/[\d.]+ gl-node/i, 'google-genai-sdk-js'],
  [/google-genai-sdk\/[\d.]+ gl-python/i, 'google-genai-sdk-python'],
  [/google-genai-sdk/i, 'google-genai-sdk'],
  [/^curl\//i, 'curl'],
  [/^python-requests\//i, 'python-requests'],
  [/^python-httpx\//i, 'python-httpx'],
  [/^Bun\//i, 'bun'],
  [/^node(-fetch)?\b|^undici/i, 'node'],
]

function classify(ua: string): string | null {
  for (const [re, name] of RULES) if (re.test(ua)) return name
  const product = /^([A-Za-z0-9._-]+)/.exec(ua)
  return product ? product[1]!.toLowerCase() : null
}

/** A client sends the same User-Agent on every request: remember the answer (bounded). */
const seen = new Map<string, string | null>()
const SEEN_MAX = 1024

export function programFromUserAgent(ua: string | undefined): string | null {
  if (!ua) return null
  const hit = seen.get(ua)
  if (hit !== undefined) return hit
  const program = classify(ua)
  if (seen.size >= SEEN_MAX) seen.clear()
  seen.set(ua, program)
  return program
}
