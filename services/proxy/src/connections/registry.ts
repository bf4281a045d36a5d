// Client connections to the proxy: counted by state, bound to the user whose credentials they
// carry (team mode), capped in total and per user, and closed by credential when PROXY_USERS
// changes. No sockets here: a connection is anything with destroy().

export type ConnState = 'plain' | 'mitm' | 'tunnel'

export interface Closable {
  destroy(): void
}

export interface ConnectionLimits {
  /** PROXY_MAX_CONNECTIONS: client connections open at once, all users together. */
  maxTotal: number
  /** PROXY_MAX_CONNECTIONS_PER_USER (team mode: users are authenticated). */
  maxPerUser: number
}

export interface TrackedConnection {
  readonly state: ConnState
  readonly user: string | null
  setState(state: ConnState): void
  /** The socket now carrying this connection (the TLS side after a MITM upgrade). */
  setSocket(socket: Closable): void
  /**
   * Binds the connection to a user and the credential it presented (a token hash); false when
   * that user already holds maxPerUser other connections.
   */
  claim(user: string, credential: string): boolean
  /** The connection is gone (idempotent). */
  release(): void
}

export interface ConnectionRegistry {
  /** A new client connection, or null over maxTotal. */
  open(socket: Closable): TrackedConnection | null
  /** Closes every connection whose user + credential `stillValid` rejects; returns how many. */
  revoke(stillValid: (user: string, credential: string) => boolean): number
  /** Closes everything (shutdown). */
  closeAll(): void
  size(): number
  byState(): Record<ConnState, number>
  userCount(user: string): number
}

interface Entry {
  socket: Closable
  state: ConnState
  user: string | null
  credential: string | null
  released: boolean
}

export function createConnectionRegistry(limits: ConnectionLimits): ConnectionRegistry {
  const all = new Set<Entry>()
  const byUser = new Map<string, Set<Entry>>()
  const states: Record<ConnState, number> = { plain: 0, mitm: 0, tunnel: 0 }

  const unbind = (e: Entry): void => {
    if (e.user === null) return
    const set = byUser.get(e.user)
    set?.delete(e)
    if (set?.size === 0) byUser.delete(e.user)
    e.user = null
    e.credential = null
  }

  const handle = (e: Entry): TrackedConnection => ({
    get state() {
      return e.state
    },
    get user() {
      return e.user
    },
    setState(state) {
      if (e.released) return
      states[e.state]--
      states[state]++
      e.state = state
    },
    setSocket(socket) {
      e.socket = socket
    },
    claim(user, credential) {
      if (e.released) return false
      if (e.user === user) {
        e.credential = credential
        return true
      }
      const set = byUser.get(user) ?? new Set<Entry>()
      if (set.size >= limits.maxPerUser) return false
      unbind(e)
      set.add(e)
      byUser.set(user, set)
      e.user = user
      e.credential = credential
      return true
    },
    release() {
      if (e.released) return
      e.released = true
      all.delete(e)
      states[e.state]--
      unbind(e)
    },
  })

  return {
    open(socket) {
      if (all.size >= limits.maxTotal) return null
      const e: Entry = { socket, state: 'plain', user: null, credential: null, released: false }
      all.add(e)
      states.plain++
      return handle(e)
    },
    revoke(stillValid) {
      let closed = 0
      for (const e of [...all]) {
        if (e.user === null || e.credential === null) continue
        if (stillValid(e.user, e.credential)) continue
        closed++
        handle(e).release()
        e.socket.destroy()
      }
      return closed
    },
    closeAll() {
      for (const e of [...all]) {
        handle(e).release()
        e.socket.destroy()
      }
    },
    size: () => all.size,
    byState: () => ({ ...states }),
    userCount: (user) => byUser.get(user)?.size ?? 0,
  }
}
