import { describe, expect, test } from 'bun:test'
import { cidrContains, parseCidr } from './cidr.ts'
import { parseIp } from './ip.ts'

const block = (text: string) => {
  const r = parseCidr(text)
  if (!r.ok) throw new Error(r.message)
  return r.cidr
}
const ip = (text: string) => parseIp(text)!

describe('CIDR blocks', () => {
  test('membership at the edges of the block', () => {
    const b = block('172.16.0.0/12')
    expect(cidrContains(b, ip('172.16.0.0'))).toBe(true)
    expect(cidrContains(b, ip('172.31.255.255'))).toBe(true)
    expect(cidrContains(b, ip('172.32.0.0'))).toBe(false)
    expect(cidrContains(b, ip('172.15.255.255'))).toBe(false)
  })
  test('odd prefixes, /0, single hosts and IPv6', () => {
    expect(cidrContains(block('100.64.0.0/10'), ip('100.127.255.255'))).toBe(true)
    expect(cidrContains(block('100.64.0.0/10'), ip('100.128.0.0'))).toBe(false)
    expect(cidrContains(block('0.0.0.0/0'), ip('8.8.8.8'))).toBe(true)
    expect(cidrContains(block('10.1.2.3'), ip('10.1.2.3'))).toBe(true)
    expect(cidrContains(block('10.1.2.3'), ip('10.1.2.4'))).toBe(false)
    expect(cidrContains(block('fe80::/10'), ip('febf::1'))).toBe(true)
    expect(cidrContains(block('fe80::/10'), ip('fec0::1'))).toBe(false)
  })
  test('families never match each other', () => {
    expect(cidrContains(block('0.0.0.0/0'), ip('::1'))).toBe(false)
    expect(cidrContains(block('::/0'), ip('127.0.0.1'))).toBe(false)
  })
  test.each([
    ['10.0.0.1/8', 'host bits set (did you mean 10.0.0.0/8?)'],
    ['10.0.0.0/33', 'not a prefix length of 0-32'],
    ['fd00::/129', 'not a prefix length of 0-128'],
    ['10.0.0.0/08', 'not a prefix length'],
    ['10.0.0.0/', 'not a prefix length'],
    ['10.0.0/8', 'not an IPv4 or IPv6 address'],
    ['example.com/8', 'not an IPv4 or IPv6 address'],
  ])('%p is refused: %s', (text, message) => {
    const r = parseCidr(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toContain(message)
  })
})
