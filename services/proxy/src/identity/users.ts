// Team mode's users file (PROXY_USERS): who may use the proxy, as user names and SHA-256 hashes
// of their proxy tokens. Parsing and the credential check are pure; only loadUsersFile reads.
//
// Tokens are random high-entropy strings minted by an admin (e.g. `openssl rand -hex 32`), not
// passwords a person chose: a plain SHA-256 is then adequate (nothing to brute-force), and a slow
// password hash would only cost CPU on every CONNECT.

import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError } from '@tokentap/shared'

export const USERS_VARIABLE = 'PROXY_USERS'

export interface ProxyUser {
  name: string
  /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
  tokenSha256: string
}

/** Hex SHA-256 of a proxy token: what a users file stores (`printf %s "$TOKEN" | sha256sum`). */
export function hashProxyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const fail = (where: string, message: string): never => {
  throw new ConfigError(USERS_VARIABLE, `${where}: ${message}`)
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** `+` separates USER from PROJECT and `:` ends USER in Basic credentials. */
const NAME = /^[A-Za-z0-9._@-]{1,64}$/
const SHA256_HEX = /^[0-9a-f]{64}$/i

/** Validates a parsed users document; a user may appear more than once (token rotation). */
export function validateUsers(doc: unknown, source: string): ProxyUser[] {
  if (!isObject(doc)) return fail(source, 'expected an object {"users": [...]}')
  for (const key of Object.keys(doc)) {
    if (key !== 'users') fail(`${source}: ${key}`, 'unknown key (allowed: users)')
  }
  const list = doc.users
  if (!Array.isArray(list)) return fail(`${source}: users`, 'must be an array')
  return list.map((entry, i) => {
    const where = `${source}: users[${i}]`
    if (!isObject(entry)) return fail(where, 'must be an object {name, tokenSha256}')
    for (const key of Object.keys(entry)) {
      if (key !== 'name' && key !== 'tokenSha256') {
        fail(`${where}.${key}`, 'unknown key (allowed: name, tokenSha256)')
      }
    }
    const { name, tokenSha256 } = entry
    if (typeof name !== 'string' || !NAME.test(name)) {
      fail(`${where}.name`, 'must be 1-64 characters of A-Z a-z 0-9 . _ @ -')
    }
    if (typeof tokenSha256 !== 'string' || !SHA256_HEX.test(tokenSha256)) {
      fail(`${where}.tokenSha256`, 'must be 64 hex digits (printf %s "$TOKEN" | sha256sum)')
    }
    return { name: name as string, tokenSha256: (tokenSha256 as string).toLowerCase() }
  })
}

/** JSON, or YAML when the file name ends in .yaml / .yml. */
export function parseUsersFile(text: string, path: string): ProxyUser[] {
  let doc: unknown
  try {
    doc = /\.ya?ml$/i.test(path) ? Bun.YAML.parse(text) : JSON.parse(text)
  } catch (e) {
    return fail(path, `cannot parse: ${(e as Error).message}`)
  }
  return validateUsers(doc, path)
}

export function loadUsersFile(path: string): ProxyUser[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return fail(path, `cannot read: ${(e as Error).message}`)
  }
  return parseUsersFile(text, path)
}

export type CheckResult = 'ok' | 'missing' | 'unknown_user' | 'wrong_token'

export interface UserCheck {
  readonly size: number
  check(user: string | null, token: string | null): CheckResult
}

/** Compares the presented token's hash with the stored ones in constant time. */
export function createUserCheck(users: ProxyUser[]): UserCheck {
  const byName = new Map<string, Buffer[]>()
  for (const u of users) {
    const hashes = byName.get(u.name) ?? []
    hashes.push(Buffer.from(u.tokenSha256, 'hex'))
    byName.set(u.name, hashes)
  }
  // Unknown users still cost one comparison, so timing does not tell names apart.
  const decoy = [Buffer.alloc(32)]
  return {
    size: byName.size,
    check(user, token) {
      if (!user || !token) return 'missing'
      const presented = createHash('sha256').update(token, 'utf8').digest()
      const stored = byName.get(user)
      let match = false
      for (const h of stored ?? decoy) match = timingSafeEqual(presented, h) || match
      if (!stored) return 'unknown_user'
      return match ? 'ok' : 'wrong_token'
    },
  }
}
