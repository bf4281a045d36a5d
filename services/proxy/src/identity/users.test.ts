import { describe, expect, test } from 'bun:test'
import { createUserCheck, hashProxyToken, parseUsersFile, validateUsers } from './users.ts'

const ALICE = 'tt_9f2c4e1b7a6d3f80c5e2a1b4d7f6e3c2'
const aliceHash = hashProxyToken(ALICE)

describe('hashProxyToken', () => {
  test('hex SHA-256 of the UTF-8 token, as `printf %s "$TOKEN" | sha256sum` prints it', async () => {
    expect(hashProxyToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    const p = Bun.spawn(['sh', '-c', 'printf %s "$TOKEN" | sha256sum'], {
      env: { PATH: process.env.PATH ?? '', TOKEN: ALICE },
      stdout: 'pipe',
    })
    const out = await new Response(p.stdout).text()
    expect(out.split(/\s/)[0]).toBe(aliceHash)
  })
})

describe('users file', () => {
  test('JSON and YAML give the same users; hashes are lower-cased', () => {
    const json = JSON.stringify({
      users: [{ name: 'alice', tokenSha256: aliceHash.toUpperCase() }],
    })
    const yaml = `users:\n  - name: alice\n    tokenSha256: "${aliceHash}"\n`
    const want = [{ name: 'alice', tokenSha256: aliceHash }]
    expect(parseUsersFile(json, '/etc/tokentap/users.json')).toEqual(want)
    expect(parseUsersFile(yaml, '/etc/tokentap/users.yaml')).toEqual(want)
    expect(parseUsersFile(yaml, 'users.YML')).toEqual(want)
  })

  test.each([
    ['{"users": [', 'PROXY_USERS: u.json: cannot parse'],
    ['[]', 'PROXY_USERS: u.json: expected an object'],
    ['{"users": {}}', 'PROXY_USERS: u.json: users: must be an array'],
    ['{"people": []}', 'PROXY_USERS: u.json: people: unknown key'],
    ['{"users": ["alice"]}', 'users[0]: must be an object'],
    [`{"users": [{"name": "a+b", "tokenSha256": "${aliceHash}"}]}`, 'users[0].name: must be'],
    [`{"users": [{"tokenSha256": "${aliceHash}"}]}`, 'users[0].name: must be'],
    ['{"users": [{"name": "bob", "tokenSha256": "abc"}]}', 'users[0].tokenSha256: must be 64 hex'],
    ['{"users": [{"name": "bob", "token": "plain"}]}', 'users[0].token: unknown key'],
  ])('%s is refused naming PROXY_USERS and the field', (text, message) => {
    expect(() => parseUsersFile(text, 'u.json')).toThrow(message)
  })

  test('an empty list is valid (everyone is refused); a user may have several tokens', () => {
    expect(validateUsers({ users: [] }, 'x')).toEqual([])
    const two = validateUsers(
      {
        users: [
          { name: 'alice', tokenSha256: aliceHash },
          { name: 'alice', tokenSha256: hashProxyToken('new') },
        ],
      },
      'x',
    )
    const check = createUserCheck(two)
    expect(check.size).toBe(1)
    expect(check.check('alice', ALICE)).toBe('ok')
    expect(check.check('alice', 'new')).toBe('ok')
  })
})

describe('createUserCheck', () => {
  const check = createUserCheck([
    { name: 'alice', tokenSha256: aliceHash },
    { name: 'bob', tokenSha256: hashProxyToken('bob-token') },
  ])
  test.each([
    ['alice', ALICE, 'ok'],
    ['bob', 'bob-token', 'ok'],
    ['alice', 'bob-token', 'wrong_token'],
    ['alice', `${ALICE}x`, 'wrong_token'],
    ['carol', ALICE, 'unknown_user'],
    [null, ALICE, 'missing'],
    ['alice', null, 'missing'],
  ] as const)('%s / %s → %s', (user, token, result) => {
    expect(check.check(user, token)).toBe(result)
  })
})
