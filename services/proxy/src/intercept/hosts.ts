// The intercept list: which CONNECT hosts are decrypted. Everything else is tunnelled blind.

/** Built-in LLM API hosts (globs: `*` matches one or more DNS label characters, not dots). */
export const BUILTIN_INTERCEPT_HOSTS: readonly string[] = [
  'api.anthropic.com',
  'api.openai.com',
  'chatgpt.com',
  'generativelanguage.googleapis.com',
  'cloudcode-pa.googleapis.com',
  '*-aiplatform.googleapis.com',
  'aiplatform.googleapis.com',
  'bedrock-runtime.*.amazonaws.com',
  'q.*.amazonaws.com',
  'codewhisperer.*.amazonaws.com',
  '*.openai.azure.com',
  'openrouter.ai',
  'api.groq.com',
  'api.x.ai',
  'api.deepseek.com',
  'api.mistral.ai',
  'api.githubcopilot.com',
]

export type HostMatcher = (host: string) => boolean

function globToRegExp(glob: string): RegExp {
  const body = glob
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+')
  return new RegExp(`^${body}$`)
}

export function normaliseHost(host: string): string {
  const h = host.toLowerCase()
  return h.endsWith('.') ? h.slice(0, -1) : h
}

export function createHostMatcher(globs: readonly string[]): HostMatcher {
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const g of globs) {
    if (g.includes('*')) patterns.push(globToRegExp(g))
    else exact.add(normaliseHost(g))
  }
  return (host) => {
    const h = normaliseHost(host)
    return exact.has(h) || patterns.some((p) => p.test(h))
  }
}
