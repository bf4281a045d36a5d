import { describe, expect, test } from 'bun:test'
import { type Closable, createConnectionRegistry } from './registry.ts'

class FakeSocket implements Closable {
  destroyed = 0
  destroy(): void {
    this.destroyed++
  }
}

const registry = (maxTotal = 10, maxPerUser = 3) =>
  createConnectionRegistry({ maxTotal, maxPerUser })

describe('connection registry', () => {
  test('counts connections by state; a release is counted once', () => {
    const r = registry()
    const a = r.open(new FakeSocket())!
    const b = r.open(new FakeSocket())!
    r.open(new FakeSocket())
    a.setState('tunnel')
    b.setState('mitm')
    expect(r.byState()).toEqual({ plain: 1, mitm: 1, tunnel: 1 })
    a.release()
    a.release()
    a.setState('mitm') // after release: ignored
    expect(r.byState()).toEqual({ plain: 1, mitm: 1, tunnel: 0 })
    expect(r.size()).toBe(2)
  })

  test('over PROXY_MAX_CONNECTIONS a new connection is refused until one closes', () => {
    const r = registry(2)
    const a = r.open(new FakeSocket())!
    expect(r.open(new FakeSocket())).not.toBeNull()
    expect(r.open(new FakeSocket())).toBeNull()
    a.release()
    expect(r.open(new FakeSocket())).not.toBeNull()
  })

  test('over PROXY_MAX_CONNECTIONS_PER_USER a claim fails; other users are not affected', () => {
    const r = registry(10, 2)
    const conns = [1, 2, 3].map(() => r.open(new FakeSocket())!)
    expect(conns[0]!.claim('alice', 'h1')).toBe(true)
    expect(conns[1]!.claim('alice', 'h1')).toBe(true)
    expect(conns[2]!.claim('alice', 'h1')).toBe(false)
    expect(conns[2]!.user).toBeNull()
    expect(conns[2]!.claim('bob', 'h2')).toBe(true)
    // a connection already bound to alice claims again freely (keep-alive requests)
    expect(conns[0]!.claim('alice', 'h1')).toBe(true)
    expect(r.userCount('alice')).toBe(2)
    conns[0]!.release()
    expect(r.userCount('alice')).toBe(1)
    expect(r.open(new FakeSocket())!.claim('alice', 'h1')).toBe(true)
  })

  test('a connection that changes user moves between the counts', () => {
    const r = registry(10, 1)
    const c = r.open(new FakeSocket())!
    c.claim('alice', 'h1')
    expect(c.claim('bob', 'h2')).toBe(true)
    expect(r.userCount('alice')).toBe(0)
    expect(r.userCount('bob')).toBe(1)
  })

  test("a removed user's connections are closed on revoke; others stay", () => {
    const r = registry()
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket(), new FakeSocket()]
    const [alice1, alice2, bob, anon] = sockets.map((s) => r.open(s)!)
    alice1!.claim('alice', 'ha')
    alice2!.claim('alice', 'ha')
    bob!.claim('bob', 'hb')
    expect(anon).toBeDefined()
    const closed = r.revoke((user) => user !== 'alice')
    expect(closed).toBe(2)
    expect(sockets.map((s) => s.destroyed)).toEqual([1, 1, 0, 0])
    expect(r.userCount('alice')).toBe(0)
    expect(r.size()).toBe(2)
  })

  test('a token change closes the connections that used the old token only', () => {
    const r = registry()
    const old = new FakeSocket()
    const fresh = new FakeSocket()
    r.open(old)!.claim('alice', 'old-hash')
    r.open(fresh)!.claim('alice', 'new-hash')
    expect(r.revoke((user, credential) => user === 'alice' && credential === 'new-hash')).toBe(1)
    expect([old.destroyed, fresh.destroyed]).toEqual([1, 0])
  })

  test('after a MITM upgrade the TLS socket is the one closed', () => {
    const r = registry()
    const raw = new FakeSocket()
    const tls = new FakeSocket()
    const c = r.open(raw)!
    c.claim('alice', 'h')
    c.setSocket(tls)
    r.revoke(() => false)
    expect([raw.destroyed, tls.destroyed]).toEqual([0, 1])
  })

  test('closeAll closes and forgets everything', () => {
    const r = registry()
    const s = new FakeSocket()
    r.open(s)
    r.closeAll()
    expect(s.destroyed).toBe(1)
    expect(r.size()).toBe(0)
    expect(r.byState()).toEqual({ plain: 0, mitm: 0, tunnel: 0 })
  })
})
