// Masks secrets (API keys, bearer tokens, basic credentials, secret URL query parameters) in
// text bound for logs, Slack or captured bodies, and secret query parameters in recorded paths.
// packages/shared/drizzle/0003_redact_secret_params.sql repeats redactPath() and the query rule
// of redact() in SQL for rows stored before them; redact.test.ts checks the two agree.

/**
 * Query parameters whose values are secrets. A parameter matches when its name, with `%XX`
 * escapes of letters, digits, `-` and `_` decoded, ASCII letters lower-cased and every `-` and
 * `_` removed, equals one of these with the same `-`/`_` removal: `api_key` also covers
 * `apikey`, `API-Key` and `api%5Fkey`.
 */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  // API keys: Gemini/Google (`key`), Azure OpenAI realtime (`api-key`), API gateways.
  'key',
  'api_key',
  'x-api-key',
  'x-goog-api-key',
  'api_token',
  'api_secret',
  'subscription-key',
  'ocp-apim-subscription-key',
  // OAuth and session tokens.
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'session_token',
  'private_token',
  'oauth_token',
  'oauth_signature',
  'jwt',
  'auth',
  'authorization',
  'code',
  'client_secret',
  'secret',
  'password',
  'passwd',
  'pwd',
  'credential',
  // Signed URLs: AWS SigV4 and SigV2, Google Cloud Storage, Azure SAS (`sig`).
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'awsaccesskeyid',
  'x-goog-signature',
  'x-goog-credential',
  'googleaccessid',
  'signature',
  'sig',
]

/** What replaces a secret parameter's value; the name stays, so a viewer sees a key was sent. */
export const REDACTED_VALUE = '***'

const squash = (name: string): string =>
  name.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[-_]/g, '')

const SECRET_KEYS = new Set(SECRET_QUERY_PARAMS.map(squash))

/** A parameter name as SECRET_QUERY_PARAMS compares it (single pass: `%2541` stays as it is). */
export function secretParamKey(raw: string): string {
  const decoded = raw.replace(/%([0-9A-Fa-f]{2})/g, (seq, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16))
    return /^[A-Za-z0-9_-]$/.test(c) ? c : seq
  })
  return squash(decoded)
}

/**
 * The request target with the value of every secret query parameter (SECRET_QUERY_PARAMS)
 * replaced by REDACTED_VALUE: `/v1beta/models/m:generateContent?key=AIza…&alt=sse` becomes
 * `…?key=***&alt=sse`. Everything after the first `?` is the query; `&`, `;` and `#` all
 * separate parameters (some servers split on `;`, and a fragment never reaches a record
 * unmasked). The path before the `?` and empty values are left as they are; idempotent.
 */
export function redactPath(target: string): string {
  const q = target.indexOf('?')
  if (q < 0) return target
  const parts = target.slice(q + 1).split(/([&;#])/)
  for (let i = 0; i < parts.length; i += 2) {
    const part = parts[i]!
    const eq = part.indexOf('=')
    if (eq > 0 && part.length > eq + 1 && SECRET_KEYS.has(secretParamKey(part.slice(0, eq)))) {
      parts[i] = `${part.slice(0, eq + 1)}${REDACTED_VALUE}`
    }
  }
  return `${target.slice(0, q + 1)}${parts.join('')}`
}

/** Regular-expression source (the same in JavaScript and Postgres) of a secret parameter with
 *  its value inside free text: `[?&;#]NAME=VALUE`, the value up to a separator, white space,
 *  quote or angle bracket. No %-decoding here: text is matched by spelling only. */
export const SECRET_PARAM_IN_TEXT = `([?&;#](?:${SECRET_QUERY_PARAMS.map((n) =>
  n.replace(/[-_]/g, '[-_]?'),
).join('|')})=)[^&;# \\t\\n\\r\\f\\v"'<>]+`

const PATTERNS: [RegExp, string][] = [
  [new RegExp(SECRET_PARAM_IN_TEXT, 'gi'), `$1${REDACTED_VALUE}`],
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
