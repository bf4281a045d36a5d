import { describe, expect, test } from 'bun:test'
import { cachedLookup, type Lookup, ownAddresses } from './lookup.ts'

function scripted(...answers: string[][]) {
  let calls = 0
  const lookup: Lookup = async () => {
    const a = answers[Math.min(calls, answers.length - 1)]!
    calls++
    return a
  }
  return { lookup, calls: () => calls }
}

describe('cached lookup', () => {
  test('one answer is reused for 30 s, then asked again', async () => {
    let now = 1_000
    const s = scripted(['93.184.216.34'], ['127.0.0.1'])
    const lookup = cachedLookup(s.lookup, () => now, 5000)
    expect(await lookup('a.example')).toEqual(['93.184.216.34'])
    now += 29_999
    expect(await lookup('a.example')).toEqual(['93.184.216.34'])
    expect(s.calls()).toBe(1)
    now += 1
    expect(await lookup('a.example')).toEqual(['127.0.0.1'])
    expect(s.calls()).toBe(2)
  })

  test('concurrent lookups of one name share one query', async () => {
    const s = scripted(['93.184.216.34'])
    const lookup = cachedLookup(s.lookup, () => 0, 5000)
    const all = await Promise.all([lookup('a.example'), lookup('a.example'), lookup('a.example')])
    expect(all.every((a) => a[0] === '93.184.216.34')).toBe(true)
    expect(s.calls()).toBe(1)
  })

  test('failures are not cached', async () => {
    let calls = 0
    const lookup = cachedLookup(
      async () => {
        calls++
        if (calls === 1) throw new Error('getaddrinfo EAI_AGAIN')
        return ['93.184.216.34']
      },
      () => 0,
      5000,
    )
    await expect(lookup('a.example')).rejects.toThrow('EAI_AGAIN')
    expect(await lookup('a.example')).toEqual(['93.184.216.34'])
  })

  test('a lookup that never answers fails after the timeout', async () => {
    const lookup = cachedLookup(
      () => new Promise<string[]>(() => {}),
      () => 0,
      20,
    )
    await expect(lookup('slow.example')).rejects.toThrow('DNS lookup timed out after 20 ms')
  })
})

test("ownAddresses: the machine's interfaces (loopback at least) and the extra ones", () => {
  const own = ownAddresses(() => 0, ['198.51.99.7', '0:0::ffff:10.9.8.7', 'not-an-ip'])()
  expect(own.has('127.0.0.1')).toBe(true)
  expect(own.has('198.51.99.7')).toBe(true)
  expect(own.has('10.9.8.7')).toBe(true)
  expect(own.has('not-an-ip')).toBe(false)
})
