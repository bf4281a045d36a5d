import { expect, test } from 'bun:test'
import { parseDeflateExtension, resetsPerMessage } from './extensions.ts'

const defaults = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
}

test('no permessage-deflate accepted → null', () => {
  expect(parseDeflateExtension(undefined)).toBeNull()
  expect(parseDeflateExtension('')).toBeNull()
  expect(parseDeflateExtension('x-webkit-deflate-frame')).toBeNull()
  expect(parseDeflateExtension('permessage-deflatex; server_no_context_takeover')).toBeNull()
})

test('bare and parameterised answers', () => {
  expect(parseDeflateExtension('permessage-deflate')).toEqual(defaults)
  expect(
    parseDeflateExtension(
      'permessage-deflate; client_max_window_bits=15; server_no_context_takeover',
    ),
  ).toEqual({ ...defaults, serverNoContextTakeover: true })
  expect(
    parseDeflateExtension(
      'Permessage-Deflate ;Client_No_Context_Takeover; SERVER_MAX_WINDOW_BITS = 10 ;client_max_window_bits=9',
    ),
  ).toEqual({
    ...defaults,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 10,
    clientMaxWindowBits: 9,
  })
})

test('quoted values, and separators inside quotes', () => {
  expect(parseDeflateExtension('permessage-deflate; server_max_window_bits="12"')).toEqual({
    ...defaults,
    serverMaxWindowBits: 12,
  })
  expect(
    parseDeflateExtension(
      'foo; bar="a, permessage-deflate; \\"x\\"", permessage-deflate; client_no_context_takeover',
    ),
  ).toEqual({ ...defaults, clientNoContextTakeover: true })
})

test('first permessage-deflate in the answer wins; bad window bits fall back to 15', () => {
  expect(
    parseDeflateExtension(
      'permessage-deflate; server_max_window_bits=20, permessage-deflate; server_no_context_takeover',
    ),
  ).toEqual(defaults)
  expect(parseDeflateExtension('permessage-deflate; client_max_window_bits')).toEqual(defaults)
  expect(parseDeflateExtension('permessage-deflate; client_max_window_bits=7')).toEqual(defaults)
})

test('no_context_takeover applies to the direction that compresses', () => {
  const p = { ...defaults, serverNoContextTakeover: true }
  expect(resetsPerMessage(p, 'server')).toBe(true)
  expect(resetsPerMessage(p, 'client')).toBe(false)
})
