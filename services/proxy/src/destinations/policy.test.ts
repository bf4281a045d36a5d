import { describe, expect, test } from 'bun:test'
import {
  canonicalAddress,
  type DestinationPolicy,
  type DestinationRequest,
  decide,
  portMayPass,
  readDestinationPolicy,
} from './policy.ts'

const team = (ports?: string, destinations?: string): DestinationPolicy =>
  readDestinationPolicy(true, ports, destinations)
const connect = (host: string, port = 443): DestinationRequest => ({ host, port, via: 'connect' })
const http = (host: string, port = 80): DestinationRequest => ({ host, port, via: 'http' })
const none = new Set<string>()

describe('destination policy (team mode)', () => {
  test('team mode refuses CONNECT to 169.254.169.254 (cloud metadata)', () => {
    expect(decide(team(), connect('169.254.169.254'), ['169.254.169.254'], none)).toEqual({
      allowed: false,
      reason: 'link_local',
      address: '169.254.169.254',
    })
  })

  test.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.20.0.2', 'private'],
    ['192.168.0.10', 'private'],
    ['100.100.100.200', 'cgnat'], // Alibaba Cloud's metadata address
    ['fd00:ec2::254', 'ula'],
    ['fe80::a9fe:a9fe', 'link_local'],
    ['::', 'unspecified'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['192.0.2.7', 'reserved'],
  ])('a name resolving to %s is refused as %s', (address, reason) => {
    const d = decide(team(), connect('rebind.example'), [address], none)
    expect(d).toMatchObject({ allowed: false, reason })
  })

  test('public addresses on the default ports pass: 443 for CONNECT, 80 for http://', () => {
    expect(decide(team(), connect('api.example'), ['93.184.216.34'], none).allowed).toBe(true)
    expect(decide(team(), http('api.example'), ['2606:2800::1'], none).allowed).toBe(true)
    expect(decide(team(), connect('api.example', 80), ['93.184.216.34'], none)).toMatchObject({
      allowed: false,
      reason: 'port',
    })
    expect(decide(team(), http('api.example', 443), ['93.184.216.34'], none)).toMatchObject({
      allowed: false,
      reason: 'port',
    })
    expect(decide(team(), connect('api.example', 22), ['93.184.216.34'], none).allowed).toBe(false)
  })

  test('one private address among public ones refuses the name', () => {
    const d = decide(team(), connect('mixed.example'), ['93.184.216.34', '10.0.0.1'], none)
    expect(d).toEqual({ allowed: false, reason: 'private', address: '10.0.0.1' })
  })

  test("the proxy's own public address is refused", () => {
    const own = new Set(['203.0.114.9'])
    expect(decide(team(), connect('me.example'), ['203.0.114.9'], own)).toEqual({
      allowed: false,
      reason: 'own_address',
      address: '203.0.114.9',
    })
    expect(decide(team(), connect('me.example'), ['::ffff:203.0.114.9'], own)).toMatchObject({
      reason: 'own_address',
    })
  })

  test('no address, or one the resolver made up, is refused', () => {
    expect(decide(team(), connect('x.example'), [], none)).toMatchObject({ reason: 'no_address' })
    expect(decide(team(), connect('x.example'), ['fe80::1%eth0'], none)).toMatchObject({
      reason: 'invalid_address',
      address: 'fe80::1%eth0',
    })
  })

  test('PROXY_ALLOWED_PORTS opens ports for public addresses, not private ones', () => {
    const p = team('8443,9000-9100')
    expect(decide(p, connect('api.example', 8443), ['93.184.216.34'], none).allowed).toBe(true)
    expect(decide(p, http('api.example', 9050), ['93.184.216.34'], none).allowed).toBe(true)
    expect(decide(p, connect('db.example', 8443), ['10.0.0.1'], none)).toMatchObject({
      reason: 'private',
    })
  })

  test('PROXY_ALLOWED_DESTINATIONS: a name entry opens what the name resolves to', () => {
    const p = team(undefined, 'llm.corp.example')
    expect(decide(p, connect('llm.corp.example'), ['10.0.0.7'], none).allowed).toBe(true)
    // on the open ports only
    expect(decide(p, connect('llm.corp.example', 8443), ['10.0.0.7'], none)).toMatchObject({
      reason: 'port',
    })
    // another name resolving to the same address is not covered
    expect(decide(p, connect('other.example'), ['10.0.0.7'], none)).toMatchObject({
      reason: 'private',
    })
  })

  test('PROXY_ALLOWED_DESTINATIONS: a block entry opens addresses in it, with its own port', () => {
    const p = team(undefined, '10.20.0.0/16:11434')
    expect(decide(p, http('ollama.internal', 11434), ['10.20.1.2'], none).allowed).toBe(true)
    expect(decide(p, connect('10.20.1.2', 11434), ['10.20.1.2'], none).allowed).toBe(true)
    expect(decide(p, connect('10.20.1.2', 443), ['10.20.1.2'], none)).toMatchObject({
      reason: 'private',
    })
    expect(decide(p, connect('10.21.1.2', 11434), ['10.21.1.2'], none)).toMatchObject({
      reason: 'port',
    })
  })

  test('an explicit entry also covers loopback and the own addresses (a model on the host)', () => {
    const p = team(undefined, 'localhost:11434')
    const own = new Set(['127.0.0.1'])
    expect(decide(p, http('localhost', 11434), ['127.0.0.1'], own).allowed).toBe(true)
    expect(decide(p, http('127.0.0.1', 11434), ['127.0.0.1'], own)).toMatchObject({
      reason: 'port',
    })
  })

  test('unspecified, multicast and broadcast are refused even when an entry covers them', () => {
    const p = team(undefined, '0.0.0.0/0 ::/0')
    expect(decide(p, connect('x.example'), ['0.0.0.0'], none)).toMatchObject({
      reason: 'unspecified',
    })
    expect(decide(p, connect('x.example'), ['::'], none)).toMatchObject({ reason: 'unspecified' })
    expect(decide(p, connect('x.example'), ['239.1.1.1'], none)).toMatchObject({
      reason: 'multicast',
    })
    expect(decide(p, connect('x.example'), ['10.0.0.1'], none).allowed).toBe(true)
  })

  test('portMayPass: no lookup is needed for a port nothing opens', () => {
    const p = team('8443', 'llm.corp.example:9443')
    expect(portMayPass(p, connect('x', 443))).toBe(true)
    expect(portMayPass(p, connect('x', 8443))).toBe(true)
    expect(portMayPass(p, connect('x', 9443))).toBe(true) // an entry might cover it
    expect(portMayPass(p, connect('x', 22))).toBe(false)
    expect(portMayPass(p, http('x', 80))).toBe(true)
    expect(portMayPass(p, http('x', 443))).toBe(false)
  })
})

describe('local mode', () => {
  test('everything is allowed (the only user is the machine owner)', () => {
    const p = readDestinationPolicy(false, undefined, undefined)
    expect(decide(p, connect('169.254.169.254', 22), ['169.254.169.254'], none).allowed).toBe(true)
    expect(decide(p, http('localhost', 5432), ['127.0.0.1'], none).allowed).toBe(true)
  })
})

test('canonicalAddress: one spelling per address, IPv4-mapped as IPv4', () => {
  expect(canonicalAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1')
  expect(canonicalAddress('0:0::1')).toBe('::1')
  expect(canonicalAddress('localhost')).toBeNull()
})
