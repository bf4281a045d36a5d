import { describe, expect, test } from 'bun:test'
import {
  detectShell,
  dotenvQuote,
  fishQuote,
  posixQuote,
  renderDotenv,
  renderShell,
} from './render.ts'
import { identityFrom, noProxy, proxyUrl, proxyVars } from './vars.ts'

const proxy = { host: '127.0.0.1', port: 8080 }

describe('proxy variables', () => {
  test('the proxy URL carries USER+PROJECT:TOKEN, encoded', () => {
    expect(proxyUrl(proxy, { user: null, project: null, token: null })).toBe(
      'http://127.0.0.1:8080',
    )
    expect(proxyUrl(proxy, identityFrom({ USER: 'al ice' }, null))).toBe(
      'http://al%20ice@127.0.0.1:8080',
    )
    const id = identityFrom({ USER: 'x', TOKENTAP_USER: 'bob', TOKENTAP_TOKEN: 't@k' }, 'billing')
    expect(proxyUrl({ host: '0.0.0.0', port: 1 }, id)).toBe('http://bob+billing:t%40k@127.0.0.1:1')
  })

  test('NO_PROXY keeps loopback first and merges the existing list without repeats', () => {
    expect(noProxy({})).toBe('localhost,127.0.0.1,::1')
    expect(noProxy({ NO_PROXY: 'corp.example, localhost' })).toBe(
      'localhost,127.0.0.1,::1,corp.example',
    )
    expect(noProxy({ no_proxy: '.internal' })).toBe('localhost,127.0.0.1,::1,.internal')
  })

  test('CA variables: our CA for Node, the bundle for the rest', () => {
    const vars = new Map(
      proxyVars({
        proxy,
        identity: { user: null, project: null, token: null },
        caCert: '/h/ca/ca.pem',
        bundle: '/h/ca/bundle.pem',
        env: {},
      }),
    )
    expect(vars.get('NODE_EXTRA_CA_CERTS')).toBe('/h/ca/ca.pem')
    for (const k of [
      'SSL_CERT_FILE',
      'REQUESTS_CA_BUNDLE',
      'CURL_CA_BUNDLE',
      'CODEX_CA_CERTIFICATE',
    ])
      expect(vars.get(k)).toBe('/h/ca/bundle.pem')
    expect(vars.get('HTTPS_PROXY')).toBe('http://127.0.0.1:8080')
    expect(vars.get('https_proxy')).toBe('http://127.0.0.1:8080')
  })
})

describe('rendering', () => {
  test('quotes survive quotes and backslashes', () => {
    expect(posixQuote("a'b")).toBe(`'a'\\''b'`)
    expect(fishQuote("a'b\\c")).toBe(`'a\\'b\\\\c'`)
    expect(dotenvQuote('http://u@h:1')).toBe('http://u@h:1')
    expect(dotenvQuote('a b')).toBe(`'a b'`)
    expect(dotenvQuote(`a'$b`)).toBe(`"a'\\$b"`)
  })

  test('one line per variable in each syntax', () => {
    const vars: [string, string][] = [['A', 'x y']]
    expect(renderShell('bash', vars)).toBe("export A='x y';\n")
    expect(renderShell('fish', vars)).toBe("set -gx A 'x y';\n")
    expect(renderDotenv(vars)).toBe("A='x y'\n")
  })

  test('shell detection: flag, then $SHELL', () => {
    expect(detectShell('fish', '/bin/bash')).toBe('fish')
    expect(detectShell(undefined, '/usr/bin/zsh')).toBe('zsh')
    expect(detectShell(undefined, '/bin/tcsh')).toBeNull()
    expect(detectShell(undefined, undefined)).toBeNull()
  })
})
