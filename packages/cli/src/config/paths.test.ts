import { describe, expect, test } from 'bun:test'
import { loadProxyConfig } from '@tokentap/proxy'
import { clientHost, dashboardAddress, httpUrl, paths, proxyAddress } from './paths.ts'

describe('paths and addresses', () => {
  test("defaults equal the proxy's own (one set of defaults)", () => {
    const env = { HOME: '/home/x' }
    const proxy = loadProxyConfig(env)
    expect(proxyAddress(env)).toEqual({ host: proxy.host, port: proxy.port })
    // The proxy falls back to os.homedir(); ours prefers $HOME, the same thing in a shell.
    expect(paths({ HOME: '/home/x', TOKENTAP_HOME: proxy.home }).home).toBe(proxy.home)
  })

  test('reads the variables and derives the files under TOKENTAP_HOME', () => {
    const env = {
      TOKENTAP_HOME: '/t',
      PROXY_HOST: '0.0.0.0',
      PROXY_PORT: '9000',
      DASHBOARD_PORT: '4000',
    }
    expect(paths(env)).toEqual({
      home: '/t',
      stateFile: '/t/up.json',
      logDir: '/t/logs',
      caCert: '/t/ca/ca.pem',
      bundle: '/t/ca/bundle.pem',
    })
    expect(httpUrl(proxyAddress(env))).toBe('http://127.0.0.1:9000')
    expect(dashboardAddress(env)).toEqual({ host: '127.0.0.1', port: 4000 })
    expect(paths({ HOME: '/h' }).home).toBe('/h/.tokentap')
    expect(paths({ TOKENTAP_HOME: '/t', CA_CERT_FILE: '/c.pem' }).caCert).toBe('/c.pem')
    expect(() => proxyAddress({ PROXY_PORT: 'x' })).toThrow('PROXY_PORT')
    expect(clientHost('::1')).toBe('[::1]')
  })
})
