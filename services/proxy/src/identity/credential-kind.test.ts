import { describe, expect, test } from 'bun:test'
import { chatgptIdentity, classifyCredential } from './credential-kind.ts'

const h = (o: Record<string, string>): [string, string][] => Object.entries(o)
/** A JWT of the shape ChatGPT sign-in issues (header.payload.signature, base64url). */
function jwt(payload: unknown): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`
}
const CHATGPT = jwt({
  sub: 'auth0|abc',
  'https://api.openai.com/auth': {
    chatgpt_account_id: 'acc-123',
    chatgpt_user_id: 'user-456',
    chatgpt_plan_type: 'plus',
  },
  exp: 1772460000,
})

describe('classifyCredential: Anthropic', () => {
  const host = 'api.anthropic.com'
  test('an API key in x-api-key is billed', () => {
    expect(
      classifyCredential(host, '/v1/messages', h({ 'x-api-key': 'sk-ant-api03-AAAA-BBBB' })),
    ).toEqual({
      kind: 'anthropic-api-key',
      billingKind: 'api_key',
      material: 'sk-ant-api03-AAAA-BBBB',
    })
  })
  test('an OAuth token as Bearer with the oauth beta is a subscription', () => {
    const c = classifyCredential(
      host,
      '/v1/messages?beta=true',
      h({
        Authorization: 'Bearer sk-ant-oat01-XXXX',
        'anthropic-beta': 'claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14',
      }),
    )
    expect(c).toEqual({
      kind: 'anthropic-oauth',
      billingKind: 'subscription',
      material: 'sk-ant-oat01-XXXX',
    })
  })
  test('an API key sent as Bearer (ANTHROPIC_AUTH_TOKEN) is still billed', () => {
    expect(
      classifyCredential(host, '/v1/messages', h({ authorization: 'Bearer sk-ant-api03-ZZ' }))
        .billingKind,
    ).toBe('api_key')
  })
  test('an unknown bearer: subscription only with the oauth beta, else unknown', () => {
    const plain = classifyCredential(host, '/', h({ authorization: 'Bearer gw-token-1' }))
    expect(plain).toMatchObject({ kind: 'bearer', billingKind: 'unknown' })
    const oauth = classifyCredential(
      host,
      '/',
      h({ authorization: 'Bearer gw-token-1', 'anthropic-beta': 'oauth-2025-04-20' }),
    )
    expect(oauth.billingKind).toBe('subscription')
    // "oauth" inside another beta's name is not the OAuth beta
    const lookalike = classifyCredential(
      host,
      '/',
      h({ authorization: 'Bearer gw-token-1', 'anthropic-beta': 'no-oauth-2025-04-20x' }),
    )
    expect(lookalike.billingKind).toBe('unknown')
  })
  test('no credential, or two different ones: none', () => {
    expect(classifyCredential(host, '/', h({}))).toEqual({
      kind: 'none',
      billingKind: 'unknown',
      material: null,
    })
    const twice: [string, string][] = [
      ['x-api-key', 'sk-ant-api03-A'],
      ['X-Api-Key', 'sk-ant-api03-B'],
    ]
    expect(classifyCredential(host, '/', twice).kind).toBe('none')
  })
})

describe('classifyCredential: OpenAI and ChatGPT', () => {
  test('sk- and sk-proj- keys on api.openai.com are billed', () => {
    for (const key of ['sk-abc123', 'sk-proj-abc123', 'sk-svcacct-abc']) {
      expect(
        classifyCredential(
          'api.openai.com',
          '/v1/responses',
          h({ authorization: `Bearer ${key}` }),
        ),
      ).toEqual({ kind: 'openai-api-key', billingKind: 'api_key', material: key })
    }
  })
  test('a ChatGPT sign-in JWT to chatgpt.com is a subscription named by account and user', () => {
    const c = classifyCredential(
      'chatgpt.com',
      '/backend-api/codex/responses',
      h({ authorization: `Bearer ${CHATGPT}`, 'chatgpt-account-id': 'acc-123' }),
    )
    expect(c).toEqual({
      kind: 'chatgpt',
      billingKind: 'subscription',
      material: 'acc-123\nuser-456',
    })
    // a refreshed token of the same account and user names the same account
    const refreshed = jwt({
      'https://api.openai.com/auth': { chatgpt_account_id: 'acc-123', chatgpt_user_id: 'user-456' },
      exp: 1772999999,
    })
    expect(chatgptIdentity(refreshed)).toBe(c.material)
  })
  test('an opaque token on chatgpt.com: the account id header, else the token', () => {
    const withHeader = classifyCredential(
      'chatgpt.com',
      '/backend-api/codex/responses',
      h({ authorization: 'Bearer opaque', 'chatgpt-account-id': 'acc-9' }),
    )
    expect(withHeader).toEqual({
      kind: 'chatgpt',
      billingKind: 'subscription',
      material: 'acc-9\n',
    })
    expect(
      classifyCredential('chatgpt.com', '/x', h({ authorization: 'Bearer opaque' })).material,
    ).toBe('opaque')
  })
  test('chatgptIdentity refuses what is not a sign-in JWT', () => {
    expect(chatgptIdentity('sk-proj-abc')).toBeNull()
    expect(chatgptIdentity('a.!!!.c')).toBeNull()
    expect(chatgptIdentity(jwt({ sub: 'x' }))).toBeNull()
  })
})

describe('classifyCredential: Gemini, Vertex, AWS and the rest', () => {
  test('Gemini API keys (header or ?key=) are billed', () => {
    const host = 'generativelanguage.googleapis.com'
    const path = '/v1beta/models/gemini-2.5-pro:generateContent'
    expect(classifyCredential(host, path, h({ 'x-goog-api-key': 'AIzaSyA' }))).toEqual({
      kind: 'google-api-key',
      billingKind: 'api_key',
      material: 'AIzaSyA',
    })
    expect(classifyCredential(host, `${path}?alt=sse&key=AIzaSyB`, h({})).material).toBe('AIzaSyB')
  })
  test('Gemini CLI sign-in (OAuth to cloudcode-pa) is a subscription', () => {
    expect(
      classifyCredential(
        'cloudcode-pa.googleapis.com',
        '/v1internal:streamGenerateContent?alt=sse',
        h({ authorization: 'Bearer ya29.a0AfB' }),
      ),
    ).toEqual({ kind: 'code-assist', billingKind: 'subscription', material: 'ya29.a0AfB' })
  })
  test('OAuth to Vertex is billed to its project, which names the account', () => {
    const c = classifyCredential(
      'us-central1-aiplatform.googleapis.com',
      '/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent',
      h({ authorization: 'Bearer ya29.c' }),
    )
    expect(c).toEqual({ kind: 'google-oauth', billingKind: 'api_key', material: 'project:my-proj' })
    const gl = classifyCredential(
      'generativelanguage.googleapis.com',
      '/v1beta/models/x:generateContent',
      h({ authorization: 'Bearer ya29.d', 'x-goog-user-project': 'billing-proj' }),
    )
    expect(gl.material).toBe('project:billing-proj')
  })
  test('Bedrock: SigV4 (its access key id) and Bedrock API keys are billed to the AWS account', () => {
    const sig = classifyCredential(
      'bedrock-runtime.us-east-1.amazonaws.com',
      '/model/anthropic.claude-sonnet-4-5/invoke',
      h({
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260302/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd',
      }),
    )
    expect(sig).toEqual({
      kind: 'aws-sigv4',
      billingKind: 'api_key',
      material: 'AKIAIOSFODNN7EXAMPLE',
    })
    const key = classifyCredential(
      'bedrock-runtime.us-west-2.amazonaws.com',
      '/model/x/converse',
      h({ authorization: 'Bearer ABSKQmVkcm9ja0FQSUtleQ' }),
    )
    expect(key).toMatchObject({ kind: 'aws-bearer', billingKind: 'api_key' })
  })
  test('Amazon Q and Copilot are plans; Copilot seats keep one account across tokens', () => {
    expect(
      classifyCredential('q.us-east-1.amazonaws.com', '/', h({ authorization: 'Bearer aoa123' }))
        .billingKind,
    ).toBe('subscription')
    const a = classifyCredential(
      'api.githubcopilot.com',
      '/chat/completions',
      h({ authorization: 'Bearer tid=seat42;exp=1772460000;sku=copilot_for_business:abc' }),
    )
    const b = classifyCredential(
      'api.githubcopilot.com',
      '/chat/completions',
      h({ authorization: 'Bearer tid=seat42;exp=1772463600;sku=copilot_for_business:def' }),
    )
    expect(a).toEqual({ kind: 'copilot', billingKind: 'subscription', material: 'tid:seat42' })
    expect(b.material).toBe(a.material)
  })
  test('Azure keys and keyed APIs are billed; hosts we do not know are unknown', () => {
    expect(
      classifyCredential('acme.openai.azure.com', '/openai/deployments/x', h({ 'api-key': 'k' })),
    ).toEqual({ kind: 'azure-api-key', billingKind: 'api_key', material: 'k' })
    expect(
      classifyCredential(
        'api.groq.com',
        '/openai/v1/chat/completions',
        h({ authorization: 'Bearer gsk_1' }),
      ),
    ).toEqual({ kind: 'bearer', billingKind: 'api_key', material: 'gsk_1' })
    expect(
      classifyCredential(
        'llm.acme.internal',
        '/v1/chat/completions',
        h({ authorization: 'Bearer x' }),
      ),
    ).toEqual({ kind: 'bearer', billingKind: 'unknown', material: 'x' })
  })
})
