import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoredRecord } from './pg-rows.ts'
import { createSpool } from './spool.ts'

const root = mkdtempSync(join(tmpdir(), 'tt-spool-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8)
const record = (id: string) =>
  ({ id, user: 'alice', path: '/v1/messages' }) as unknown as StoredRecord

describe('spool file modes (records name users, paths and costs)', () => {
  test('spool file is created 0600 in a 0700 directory', async () => {
    const dir = join(root, 'new', 'spool')
    const spool = createSpool(dir, () => 1_700_000_000_000)
    await spool.ready
    await spool.append([record('r1')])
    await spool.seal()
    const [segment] = spool.segments()
    expect(mode(dir)).toBe('700')
    expect(mode(segment!)).toBe('600')
    await spool.close()
  })

  test('the file of unreadable lines set aside is created 0600 too', async () => {
    const spool = createSpool(join(root, 'aside'), () => 1_700_000_000_000)
    await spool.ready
    const path = await spool.setAside(['{torn'])
    expect(mode(path)).toBe('600')
  })

  test('an existing spool directory and the files an earlier version left are tightened', async () => {
    const dir = join(root, 'old')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    const segment = join(dir, 'spool-1700000000000-000000-abcd.jsonl')
    const corrupt = join(dir, 'corrupt-1700000000000.jsonl')
    const other = join(dir, 'notes.txt')
    for (const f of [segment, corrupt, other]) writeFileSync(f, '{"id":"x"}\n', { mode: 0o644 })
    const spool = createSpool(dir, () => 1_700_000_000_000)
    await spool.ready
    expect(mode(dir)).toBe('700')
    expect(mode(segment)).toBe('600')
    expect(mode(corrupt)).toBe('600')
    expect(mode(other)).toBe('644') // not the spool's: left alone
    expect(spool.segments()).toEqual([segment])
  })
})
