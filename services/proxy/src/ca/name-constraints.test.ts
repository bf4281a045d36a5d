import { describe, expect, test } from 'bun:test'
import forge from 'node-forge'
import {
  decodeNameConstraints,
  dnsWithin,
  encodeNameConstraints,
  type NameConstraints,
  parseCidr,
  permitsName,
} from './name-constraints.ts'

const der = (nc: NameConstraints): string => forge.asn1.toDer(encodeNameConstraints(nc)).getBytes()

describe('name constraints DER', () => {
  test('round-trips DNS names and IPv4/IPv6 subtrees', () => {
    const nc: NameConstraints = {
      permittedDns: ['api.openai.com', 'openai.azure.com'],
      permittedIps: ['10.0.0.5/32', '2001:db8::1/128', '192.168.0.0/16'],
      excludedDns: ['.internal.example'],
      excludedIps: ['0.0.0.0/0', '::/0'],
    }
    expect(decodeNameConstraints(der(nc))).toEqual(nc)
  })

  test('is the RFC 5280 structure: [0] permitted / [1] excluded GeneralSubtrees', () => {
    const bytes = Buffer.from(
      der({
        permittedDns: ['a.example'],
        permittedIps: [],
        excludedDns: [],
        excludedIps: ['0.0.0.0/0'],
      }),
      'binary',
    )
    // SEQUENCE { [0] { SEQUENCE { [2] "a.example" } } [1] { SEQUENCE { [7] 00000000 00000000 } } }
    expect(bytes.toString('hex')).toBe(
      '301d' +
        'a00d' +
        '300b' +
        '8209' +
        Buffer.from('a.example').toString('hex') +
        'a10c' +
        '300a' +
        '8708' +
        '0000000000000000',
    )
  })

  test('needs at least one subtree; malformed values throw', () => {
    expect(() =>
      encodeNameConstraints({
        permittedDns: [],
        permittedIps: [],
        excludedDns: [],
        excludedIps: [],
      }),
    ).toThrow()
    expect(() => decodeNameConstraints('\x04\x00')).toThrow(/malformed/)
    const badIp = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
      forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
          forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 7, false, '\x01\x02\x03'),
        ]),
      ]),
    ])
    expect(() => decodeNameConstraints(forge.asn1.toDer(badIp).getBytes())).toThrow(/malformed/)
  })

  test('parseCidr validates the address and prefix', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ address: Buffer.from([10, 1, 2, 3]), prefix: 8 })
    expect(parseCidr('::1').prefix).toBe(128)
    expect(() => parseCidr('10.0.0.1/33')).toThrow(/prefix/)
    expect(() => parseCidr('host/8')).toThrow(/not an IP/)
  })
})

describe('RFC 5280 matching', () => {
  test('a DNS base permits itself and names with more labels on the left, nothing else', () => {
    expect(dnsWithin('example.com', 'example.com')).toBe(true)
    expect(dnsWithin('a.b.example.com', 'example.com')).toBe(true)
    expect(dnsWithin('A.Example.COM.', 'example.com')).toBe(true)
    expect(dnsWithin('badexample.com', 'example.com')).toBe(false)
    expect(dnsWithin('example.com.evil', 'example.com')).toBe(false)
    // A leading dot (OpenSSL's reading): subdomains only.
    expect(dnsWithin('a.example.com', '.example.com')).toBe(true)
    expect(dnsWithin('example.com', '.example.com')).toBe(false)
  })

  test('IP names: excluded subtrees win, a permitted list limits its own family', () => {
    const dnsOnly: NameConstraints = {
      permittedDns: ['api.openai.com'],
      permittedIps: [],
      excludedDns: [],
      excludedIps: ['0.0.0.0/0', '::/0'],
    }
    expect(permitsName(dnsOnly, 'api.openai.com')).toBe(true)
    expect(permitsName(dnsOnly, 'evil.example')).toBe(false)
    expect(permitsName(dnsOnly, '127.0.0.1')).toBe(false)
    expect(permitsName(dnsOnly, '[::1]')).toBe(false)
    const withIp: NameConstraints = {
      ...dnsOnly,
      permittedIps: ['10.0.0.0/24'],
      excludedIps: ['::/0'],
    }
    expect(permitsName(withIp, '10.0.0.7')).toBe(true)
    expect(permitsName(withIp, '10.0.1.7')).toBe(false)
    expect(permitsName(withIp, '2001:db8::1')).toBe(false)
  })
})
