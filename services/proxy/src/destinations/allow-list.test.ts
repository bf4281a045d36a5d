import { describe, expect, test } from 'bun:test'
import {
  entryMatches,
  inRanges,
  parseAllowedDestinations,
  parseAllowedPorts,
} from './allow-list.ts'
import { parseIp } from './ip.ts'

const ip = (t: string) => parseIp(t)!

describe('PROXY_ALLOWED_PORTS', () => {
  test('ports and ranges, comma or space separated', () => {
    const r = parseAllowedPorts('8443, 9000-9002 11434')
    expect(r).toEqual([
      [8443, 8443],
      [9000, 9002],
      [11434, 11434],
    ])
    expect(inRanges(r, 9001)).toBe(true)
    expect(inRanges(r, 9003)).toBe(false)
    expect(parseAllowedPorts(undefined)).toEqual([])
    expect(parseAllowedPorts('')).toEqual([])
  })
  test.each([
    ['0', '"0" is not a port'],
    ['65536', '"65536" is not a port'],
    ['08443', '"08443" is not a port'],
    ['https', '"https" is not a port'],
    ['9002-9000', 'the range is empty (9002 > 9000)'],
    ['1-2-3', '"1-2-3" is not a port'],
    ['-5', 'is not a port'],
  ])('%p fails the start naming PROXY_ALLOWED_PORTS', (value, message) => {
    expect(() => parseAllowedPorts(value)).toThrow(`PROXY_ALLOWED_PORTS: `)
    expect(() => parseAllowedPorts(value)).toThrow(message)
  })
})

describe('PROXY_ALLOWED_DESTINATIONS', () => {
  test('host names, globs, addresses and blocks, each with an optional port', () => {
    const entries = parseAllowedDestinations(
      'llm.corp.example, *.models.corp.example:8443 10.1.2.3 10.20.0.0/16:9000 fd00::/8 [fd12::1]:8080 [fd34::/16]',
    )
    expect(entries.map((e) => [e.text, e.kind, e.port])).toEqual([
      ['llm.corp.example', 'name', null],
      ['*.models.corp.example:8443', 'name', 8443],
      ['10.1.2.3', 'block', null],
      ['10.20.0.0/16:9000', 'block', 9000],
      ['fd00::/8', 'block', null],
      ['[fd12::1]:8080', 'block', 8080],
      ['[fd34::/16]', 'block', null],
    ])
  })

  test('a name entry matches the name asked for (case, trailing dot); a glob one label', () => {
    const [exact, glob] = parseAllowedDestinations('LLM.corp.example. *.models.corp.example')
    const any = ip('10.0.0.1')
    expect(entryMatches(exact!, 'llm.corp.example', any)).toBe(true)
    expect(entryMatches(exact!, 'LLM.CORP.EXAMPLE.', any)).toBe(true)
    expect(entryMatches(exact!, 'x.llm.corp.example', any)).toBe(false)
    expect(entryMatches(glob!, 'a.models.corp.example', any)).toBe(true)
    expect(entryMatches(glob!, 'a.b.models.corp.example', any)).toBe(false)
    expect(entryMatches(glob!, 'models.corp.example', any)).toBe(false)
  })

  test('a block entry matches the resolved address, whatever the name', () => {
    const [b] = parseAllowedDestinations('10.20.0.0/16')
    expect(entryMatches(b!, 'anything.example', ip('10.20.3.4'))).toBe(true)
    expect(entryMatches(b!, '10.21.0.1', ip('10.21.0.1'))).toBe(false)
  })

  test.each([
    ['10.0.0.1/8', 'host bits set (did you mean 10.0.0.0/8?)'],
    ['10.0.0.0/40', 'not a prefix length'],
    ['llm.corp:0', 'is not a port'],
    ['llm.corp:99999', 'is not a port'],
    ['llm.corp:', 'is not a port'],
    ['[fd00::1', 'want [IPv6] or [IPv6/len]'],
    ['[llm.corp]:443', 'is not an IPv4 or IPv6 address'],
    ['fd00::1:443x', 'is not an IPv4 or IPv6 address'],
    ['*', 'matches any name'],
    ['*.*', 'matches any name'],
    ['http://llm.corp', 'is not a port'],
    ['bad_host!.example', 'is not a host name'],
    ['a..b', 'is not a host name'],
    ['-a.example', 'is not a host name'],
    ['300.1.1.1', 'not an IPv4 or IPv6 address'],
  ])('%p fails the start naming PROXY_ALLOWED_DESTINATIONS', (value, message) => {
    expect(() => parseAllowedDestinations(value)).toThrow('PROXY_ALLOWED_DESTINATIONS: ')
    expect(() => parseAllowedDestinations(value)).toThrow(message)
  })
})
