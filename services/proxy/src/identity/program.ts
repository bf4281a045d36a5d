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

export function programFromUserAgent(ua: string | undefined): string | null {
  if (!ua) return null
  for (const [re, name] of RULES) if (re.test(ua)) return name
  const product = /^([A-Za-z0-9._-]+)/.exec(ua)
  return product ? product[1]!.toLowerCase() : null
}
