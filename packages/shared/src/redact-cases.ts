// The cases redactPath() and redact()'s query rule are held to, shared by redact.test.ts (the
// TypeScript functions) and db/redact-migration.test.ts (the SQL of migration 0003): one table,
// so the two implementations cannot drift apart unnoticed.

import { SECRET_QUERY_PARAMS } from './redact.ts'

/** [recorded path, what it must become]. */
export const PATH_CASES: readonly (readonly [string, string])[] = [
  // The finding: Gemini's API key in the query string.
  [
    '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=AIzaSyA-abcdefghijklmnopqrstuvwxyz012',
    '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=***',
  ],
  ['/v1beta/models/m:generateContent?key=AIzaX', '/v1beta/models/m:generateContent?key=***'],
  // Untouched: no query, no secret, empty values, names that only contain a secret name.
  ['/v1/messages', '/v1/messages'],
  ['/v1/messages?beta=true', '/v1/messages?beta=true'],
  ['/v1/models?pageToken=abc&keyword=x&monkey=1', '/v1/models?pageToken=abc&keyword=x&monkey=1'],
  ['/x?key=', '/x?key='],
  ['/x?key', '/x?key'],
  ['/x?=secret', '/x?=secret'],
  ['/x?', '/x?'],
  ['/x?&&', '/x?&&'],
  // The path before the query is never touched (matrix parameters included).
  ['/a;key=inpath/b?alt=sse', '/a;key=inpath/b?alt=sse'],
  // Case, '-'/'_' spellings, %-escaped names (single pass), several secrets, separators.
  ['/x?KEY=1&Api-Key=2&API_KEY=3&apikey=4', '/x?KEY=***&Api-Key=***&API_KEY=***&apikey=***'],
  ['/x?k%65y=1&api%5Fkey=2&%6B%45%59=3', '/x?k%65y=***&api%5Fkey=***&%6B%45%59=***'],
  ['/x?k%2565y=1&ke%y=2&%zzkey=3', '/x?k%2565y=1&ke%y=2&%zzkey=3'],
  ['/x?a=1;token=t;b=2#sig=s', '/x?a=1;token=***;b=2#sig=***'],
  ['/x?key=a=b=c&z=1', '/x?key=***&z=1'],
  ['/x?key=***', '/x?key=***'],
  // Signed URLs.
  [
    '/bucket/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2B%2F&X-Amz-Signature=abcdef0123',
    '/bucket/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=***&X-Amz-Signature=***',
  ],
  ['/c/b?sv=2024-01-01&se=2026&sp=r&sig=AbC%2Bd%3D', '/c/b?sv=2024-01-01&se=2026&sp=r&sig=***'],
  [
    '/openai/realtime?api-version=2024-10-01&deployment=gpt-4o&api-key=0123abcd',
    '/openai/realtime?api-version=2024-10-01&deployment=gpt-4o&api-key=***',
  ],
  ['/cb?code=4%2F0Ad&state=xyz&client_secret=s3', '/cb?code=***&state=xyz&client_secret=***'],
  // Non-ASCII survives untouched; a second '?' is part of the query.
  ['/é?q=ü&password=p?w', '/é?q=ü&password=***'],
  ['/x?a=?key=1', '/x?a=?key=1'],
  // Every listed name, as written.
  ...SECRET_QUERY_PARAMS.map((n) => [`/p?${n}=v&n=1`, `/p?${n}=***&n=1`] as const),
]

/** [free text (a log line, a captured body), what redact() makes of it]. */
export const TEXT_CASES: readonly (readonly [string, string])[] = [
  [
    'GET https://generativelanguage.googleapis.com/v1beta/models?key=abc123&alt=sse failed',
    'GET https://generativelanguage.googleapis.com/v1beta/models?key=***&alt=sse failed',
  ],
  [
    '{"image_url":"https://bucket.s3.amazonaws.com/o.png?X-Amz-Signature=deadbeef&x=1"}',
    '{"image_url":"https://bucket.s3.amazonaws.com/o.png?X-Amz-Signature=***&x=1"}',
  ],
  [
    'see <https://x.example/cb?code=abc#access_token=tok>',
    'see <https://x.example/cb?code=***#access_token=***>',
  ],
  ["'https://h/p?sig=a/b+c' and more", "'https://h/p?sig=***' and more"],
  ['plain text with key=value and token: x', 'plain text with key=value and token: x'],
  ['/x?monkey=1&keyword=2', '/x?monkey=1&keyword=2'],
  ['line1 ?TOKEN=abc\tline2', 'line1 ?TOKEN=***\tline2'],
]
