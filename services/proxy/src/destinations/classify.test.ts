import { describe, expect, test } from 'bun:test'
import { type AddressClass, classifyIp, embeddedIpv4 } from './classify.ts'
import { formatIp, parseIp } from './ip.ts'

const kind = (text: string): AddressClass => classifyIp(parseIp(text)!)

describe('address classes', () => {
  test.each<[string, AddressClass]>([
    // IPv4
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.169.254', 'link_local'],
    ['169.254.0.1', 'link_local'],
    ['192.0.0.170', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6
    ['2606:4700::1111', 'public'],
    ['2a00:1450:4001::200e', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fd00:ec2::254', 'ula'], // AWS's IPv6 metadata endpoint
    ['fc00::1', 'ula'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'], // Teredo
    ['100::1', 'reserved'],
    ['64:ff9b:1::1', 'private'],
    ['4000::1', 'reserved'], // outside 2000::/3
  ])('%s is %s', (address, expected) => {
    expect(kind(address)).toBe(expected)
  })

  test.each<[string, AddressClass]>([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'], // IPv4-compatible (deprecated)
    ['::10.0.0.1', 'private'],
    ['64:ff9b::169.254.169.254', 'link_local'], // NAT64 reaches the embedded IPv4 address
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::808:808', 'public'],
    ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:a9fe:a9fe::', 'link_local'],
    ['2002:0808:0808::1', 'public'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:255.255.255.255', 'broadcast'],
  ])('IPv6 carrying IPv4: %s is %s', (address, expected) => {
    expect(kind(address)).toBe(expected)
  })

  test('embeddedIpv4 names the IPv4 address each form leads to', () => {
    const e = (t: string) => {
      const v4 = embeddedIpv4(parseIp(t)!)
      return v4 ? formatIp(v4) : null
    }
    expect(e('::ffff:1.2.3.4')).toBe('1.2.3.4')
    expect(e('64:ff9b::102:304')).toBe('1.2.3.4')
    expect(e('2002:102:304::')).toBe('1.2.3.4')
    expect(e('2606:4700::1111')).toBeNull()
    expect(e('1.2.3.4')).toBeNull()
  })
})
