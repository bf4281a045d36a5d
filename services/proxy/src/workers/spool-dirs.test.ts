import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adoptOrphanSpools, orphanSpools, spoolDirFor } from './spool-dirs.ts'

describe('worker spools', () => {
  const homes: string[] = []
  afterEach(() => {
    for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
  })

  test('the first worker keeps spool/, the others their own', () => {
    expect(spoolDirFor('/d', 0)).toBe('/d/spool')
    expect(spoolDirFor('/d', 3)).toBe('/d/spool-3')
  })

  test('orphans are the spools of workers that no longer run', () => {
    const names = ['spool', 'spool-1', 'spool-2', 'spool-10', 'spool-x', 'spool-0', 'ca']
    expect(orphanSpools(names, 2)).toEqual(['spool-2', 'spool-10'])
    expect(orphanSpools(names, 1)).toEqual(['spool-1', 'spool-2', 'spool-10'])
    expect(orphanSpools(names, 16)).toEqual([])
  })

  test('adoption moves segments into spool/ and removes the emptied directory', () => {
    const home = mkdtempSync(join(tmpdir(), 'tt-spools-'))
    homes.push(home)
    const running = join(home, 'spool-1')
    const gone = join(home, 'spool-3')
    mkdirSync(running)
    mkdirSync(gone)
    writeFileSync(join(running, 'spool-1700000000000-000001-abcd.jsonl'), '{}\n')
    writeFileSync(join(gone, 'spool-1700000000000-000001-beef.jsonl'), '{"id":"a"}\n')
    writeFileSync(join(gone, 'corrupt-1700000000000.jsonl'), 'x\n')
    expect(adoptOrphanSpools(home, 2)).toBe(2)
    expect(readdirSync(join(home, 'spool')).sort()).toEqual([
      'corrupt-1700000000000.jsonl',
      'spool-1700000000000-000001-beef.jsonl',
    ])
    expect(existsSync(gone)).toBe(false)
    expect(readdirSync(running)).toHaveLength(1)
  })

  test('a missing home adopts nothing', () => {
    expect(adoptOrphanSpools(join(tmpdir(), 'tt-no-such-home-'), 1)).toBe(0)
  })
})
