// Which kind of credential a request carries, and so who pays for it (issue 16, part 3): an
// API key or cloud account (billed) or a plan the user signed in with (subscription). Pure, from
// the request's host, target and headers; called for every intercepted request before it goes
// upstream (and by hard budgets, which decide there). The credential itself only leaves this
// module as `material`, for the keyed fingerprint (account-key.ts): never stored or logged.
//
//   Anthropic      x-api-key sk-ant-api…                                  api_key
//                  Bearer sk-ant-oat… (Claude sign-in, CLAUDE_CODE_OAUTH_TOKEN; anthropic-beta
//                  oauth-…)                                                subscription
//   OpenAI         Bearer sk-… / sk-proj-… on api.openai.com              api_key
//                  Bearer <ChatGPT JWT> to chatgpt.com/backend-api/codex  subscription
//   Gemini         x-goog-api-key or ?key=                                api_key
//                  OAuth to cloudcode-pa (Gemini CLI sign-in, Code Assist) subscription
//                  OAuth to generativelanguage / Vertex (a GCP project pays) api_key
//   Bedrock        SigV4 or Bedrock API key (the AWS account pays)        api_key
//   Amazon Q/Kiro  any (a per-user plan, billed in credits)               subscription
//   GitHub Copilot Copilot token (a seat)                                 subscription
//   Azure OpenAI, OpenRouter, Groq, xAI, DeepSeek, Mistral: keys          api_key
//   your own providers (TOKENTAP_PROVIDERS, TOKENTAP_INTERCEPT_HOSTS)      unknown (billed)

import type { BillingKind } from '@tokentap/shared'
import { builtinProviderFor } from '../providers/table.ts'

export type CredentialKind =
  | 'anthropic-api-key'
  | 'anthropic-oauth'
  | 'openai-api-key'
  | 'chatgpt'
  | 'google-api-key'
  | 'google-oauth'
  | 'code-assist'
  | 'aws-sigv4'
  | 'aws-bearer'
  | 'amazon-q'
  | 'azure-api-key'
  | 'azure-entra'
  | 'copilot'
  | 'api-key'
  | 'bearer'
  | 'none'

export interface Credential {
  kind: CredentialKind
  billingKind: BillingKind
  /** What names the account: the credential, or a stable account id the request states (a
   *  ChatGPT account and user, a GCP project, an AWS access key id). Only ever fed to the keyed
   *  fingerprint; null when the request carries none. */
  material: string | null
}

type Headers = readonly (readonly [string, string])[]

const NONE: Credential = { kind: 'none', billingKind: 'unknown', material: null }
/** Longest credential read (a JWT is ~2 KB; anything far larger is not a credential). */
const MAX_CREDENTIAL = 16 << 10

/** The one value of a header; absent, empty, oversized or sent twice with different values →
 *  undefined (ambiguous: no guess). */
function one(headers: Headers, name: string): string | undefined {
  let out: string | undefined
  for (const [n, v] of headers) {
    if (n.length !== name.length || n.toLowerCase() !== name) continue
    const t = v.trim()
    if (out !== undefined && out !== t) return undefined
    out = t
  }
  return out && out.length <= MAX_CREDENTIAL ? out : undefined
}

function bearer(headers: Headers): string | undefined {
  const m = /^bearer\s+(\S+)$/i.exec(one(headers, 'authorization') ?? '')
  return m?.[1]
}

/** The `key` query parameter (Gemini / Vertex API keys in the URL). */
function queryKey(path: string): string | undefined {
  const q = path.indexOf('?')
  if (q < 0) return undefined
  const v = new URLSearchParams(path.slice(q + 1)).get('key')
  return v && v.length <= MAX_CREDENTIAL ? v : undefined
}

const cred = (kind: CredentialKind, billingKind: BillingKind, material: string): Credential => ({
  kind,
  billingKind,
  material,
})

function anthropic(headers: Headers): Credential {
  const apiKey = one(headers, 'x-api-key')
  const token = bearer(headers)
  const secret = apiKey ?? token
  if (secret === undefined) return NONE
  if (secret.startsWith('sk-ant-oat')) return cred('anthropic-oauth', 'subscription', secret)
  if (apiKey !== undefined || secret.startsWith('sk-ant-api')) {
    return cred('anthropic-api-key', 'api_key', secret)
  }
  // A bearer token of another shape: OAuth when the client says so (Claude Code sends the
  // oauth beta with every signed-in request), else a gateway's token we cannot place.
  if (/(^|,)\s*oauth-\d{4}-\d{2}-\d{2}\s*(,|$)/.test(one(headers, 'anthropic-beta') ?? '')) {
    return cred('anthropic-oauth', 'subscription', secret)
  }
  return cred('bearer', 'unknown', secret)
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The ChatGPT account and user a sign-in JWT names (its payload is not secret, only signed),
 *  so the account keeps one fingerprint across token refreshes; null when it names none. */
export function chatgptIdentity(token: string): string | null {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1] || parts[1].length > MAX_CREDENTIAL) return null
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const auth = isObject(claims) ? claims['https://api.openai.com/auth'] : undefined
  if (!isObject(auth) || typeof auth.chatgpt_account_id !== 'string') return null
  const user =
    typeof auth.chatgpt_user_id === 'string'
      ? auth.chatgpt_user_id
      : typeof auth.user_id === 'string'
        ? auth.user_id
        : isObject(claims) && typeof claims.sub === 'string'
          ? claims.sub
          : ''
  return `${auth.chatgpt_account_id}\n${user}`
}

function openai(host: string, headers: Headers): Credential {
  const token = bearer(headers)
  if (token === undefined) return NONE
  const identity = chatgptIdentity(token)
  if (identity !== null) return cred('chatgpt', 'subscription', identity)
  if (host === 'chatgpt.com') {
    // A sign-in token whose claims we could not read: the account id header, else the token.
    const account = one(headers, 'chatgpt-account-id')
    return cred('chatgpt', 'subscription', account ? `${account}\n` : token)
  }
  return cred('openai-api-key', 'api_key', token)
}

/** A Vertex request's project (`/v1/projects/<p>/locations/…`): who pays, stable. */
const vertexProject = (path: string): string | undefined =>
  /^\/v1[a-z0-9]*\/projects\/([A-Za-z0-9._:-]{1,128})\//.exec(path)?.[1]

function google(host: string, path: string, headers: Headers, vertex: boolean): Credential {
  const key = one(headers, 'x-goog-api-key') ?? queryKey(path)
  if (key !== undefined) return cred('google-api-key', 'api_key', key)
  const token = bearer(headers)
  if (token === undefined) return NONE
  if (host === 'cloudcode-pa.googleapis.com') return cred('code-assist', 'subscription', token)
  // OAuth access tokens last an hour; the project that pays is stable when the request names it.
  const project = (vertex ? vertexProject(path) : undefined) ?? one(headers, 'x-goog-user-project')
  return cred('google-oauth', 'api_key', project ? `project:${project}` : token)
}

/** SigV4's access key id (AKIA… long-lived, ASIA… temporary), from the Credential scope. */
const sigv4KeyId = (authorization: string): string | undefined =>
  /^AWS4-HMAC-SHA256\s+Credential=([A-Z0-9]{16,128})\//.exec(authorization)?.[1]

function aws(headers: Headers, plan: boolean): Credential {
  const billing: BillingKind = plan ? 'subscription' : 'api_key'
  const keyId = sigv4KeyId(one(headers, 'authorization') ?? '')
  if (keyId !== undefined) return cred(plan ? 'amazon-q' : 'aws-sigv4', billing, keyId)
  const token = bearer(headers)
  return token === undefined ? NONE : cred(plan ? 'amazon-q' : 'aws-bearer', billing, token)
}

/** Any of the common credential headers, for keyed APIs and hosts we do not know. */
function generic(headers: Headers, billingKind: BillingKind): Credential {
  const token = bearer(headers)
  if (token !== undefined) return cred('bearer', billingKind, token)
  const key = one(headers, 'x-api-key') ?? one(headers, 'api-key')
  return key === undefined ? NONE : cred('api-key', billingKind, key)
}

/** The credential of a request to `host` (lower-case, no port) for `path` (origin form). */
export function classifyCredential(host: string, path: string, headers: Headers): Credential {
  const provider = builtinProviderFor(host)?.name ?? null
  switch (provider) {
    case 'anthropic':
      return anthropic(headers)
    case 'openai':
      return openai(host, headers)
    case 'gemini':
      return google(host, path, headers, false)
    case 'vertex':
      return google(host, path, headers, true)
    case 'bedrock':
      return aws(headers, false)
    case 'amazon-q':
      return aws(headers, true)
    case 'azure-openai': {
      const key = one(headers, 'api-key')
      if (key !== undefined) return cred('azure-api-key', 'api_key', key)
      const token = bearer(headers)
      return token === undefined ? NONE : cred('azure-entra', 'api_key', token)
    }
    case 'github-copilot': {
      // Copilot tokens last ~30 minutes; their `tid=` field names the seat, stable.
      const token = bearer(headers)
      if (token === undefined) return NONE
      const tid = /(?:^|;)tid=([A-Za-z0-9_-]{1,128})(?:;|$)/.exec(token)?.[1]
      return cred('copilot', 'subscription', tid ? `tid:${tid}` : token)
    }
    case null:
      return generic(headers, 'unknown')
    default:
      return generic(headers, 'api_key')
  }
}
