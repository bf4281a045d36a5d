import { describe, expect, test } from 'bun:test'
import { formatIp, parseIp, parseIpv4, parseIpv6, unmapIpv4 } from './ip.ts'

const v6 = (text: string): string => {
  const ip = parseIpv6(text)
  if (!ip) throw new Error(`not IPv6: ${text}`)
  return formatIp(ip)
}

describe('IPv4 literals', () => {
  test('canonical dotted quads parse', () => {
    expect(formatIp(parseIpv4('169.254.169.254')!)).toBe('169.254.169.254')
    expect(formatIp(parseIpv4('0.0.0.0')!)).toBe('0.0.0.0')
    expect(formatIp(parseIpv4('255.255.255.255')!)).toBe('255.255.255.255')
  })
  test.each([
    '2130706433', // 127.0.0.1 as one number: inet_aton would take it, we resolve it as a name
    '127.1',
    '0177.0.0.1', // octal
    '017.0.0.1',
    '0x7f.0.0.1',
    '127.0.0.1.',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    ' 1.2.3.4',
    '',
  ])('%p is not an IPv4 literal', (text) => {
    expect(parseIpv4(text)).toBeNull()
  })
})

describe('IPv6 literals', () => {
  test('RFC 5952 canonical text', () => {
    expect(v6('::')).toBe('::')
    expect(v6('::1')).toBe('::1')
    expect(v6('0:0:0:0:0:0:0:1')).toBe('::1')
    expect(v6('FE80::0001')).toBe('fe80::1')
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1')
    expect(v6('2001:db8::')).toBe('2001:db8::')
    expect(v6('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8')
    expect(v6('1:0:3:4:5:6:7:8')).toBe('1:0:3:4:5:6:7:8')
  })
  test('a dotted IPv4 tail', () => {
    expect(v6('::ffff:127.0.0.1')).toBe('::ffff:7f00:1')
    expect(v6('64:ff9b::169.254.169.254')).toBe('64:ff9b::a9fe:a9fe')
  })
  test.each([
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'fe80::1%eth0', // zone ids are refused: the guard cannot say where they lead
    '::ffff:127.1',
    '1.2.3.4::',
    'g::1',
  ])('%p is not an IPv6 literal', (text) => {
    expect(parseIpv6(text)).toBeNull()
  })
})

describe('parseIp and unmapIpv4', () => {
  test('brackets are accepted around IPv6; the family follows the colon', () => {
    expect(parseIp('[::1]')?.version).toBe(6)
    expect(parseIp('10.0.0.1')?.version).toBe(4)
    expect(parseIp('example.com')).toBeNull()
    expect(parseIp('[10.0.0.1]')).toBeNull()
  })
  test('IPv4-mapped IPv6 becomes the IPv4 address; others are unchanged', () => {
    expect(formatIp(unmapIpv4(parseIp('::ffff:10.1.2.3')!))).toBe('10.1.2.3')
    expect(formatIp(unmapIpv4(parseIp('::10.1.2.3')!))).toBe('::a01:203')
    expect(formatIp(unmapIpv4(parseIp('10.1.2.3')!))).toBe('10.1.2.3')
  })
})
