// Masks secrets (API keys, bearer tokens, basic credentials) in text bound for logs or Slack.

const PATTERNS: [RegExp, string][] = [
  [
    /\b(x-api-key|x-goog-api-key|api-key|authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic)\s+)?[^\s"',;]+/gi,
    '$1$2***',
  ],
  [/\b(sk-(?:ant-)?[A-Za-z0-9_-]{4})[A-Za-z0-9_-]{8,}/g, '$1…'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 ***'],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, 'AIza…'],
  [/(\/\/[^/:@\s]+:)[^@\s/]+@/g, '$1***@'],
]

export function redact(text: string): string {
  let out = text
  for (const [re, sub] of PATTERNS) out = out.replace(re, sub)
  return out
}
