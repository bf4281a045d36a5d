// Live reload: an edit yields the new value; a broken edit is reported and changes nothing.

import { afterEach, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { watchConfigFile } from './watch-file.ts'

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await Bun.sleep(20)
  }
}

let stop: (() => void) | null = null
afterEach(() => stop?.())

test('reloads on change and on atomic replace; a broken edit goes to onError only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokentap-watch-file-'))
  const file = join(dir, 'users.json')
  writeFileSync(file, '{"n": 1}')
  const values: unknown[] = []
  const errors: unknown[] = []
  const load = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'))
  stop = watchConfigFile(
    file,
    load,
    (v) => values.push(v),
    (e) => errors.push(e),
  )
  writeFileSync(file, '{"n": 2}')
  await until(() => values.length === 1)
  expect(values[0]).toEqual({ n: 2 })

  writeFileSync(file, '{"n": ')
  await until(() => errors.length > 0)
  expect(values.length).toBe(1)

  writeFileSync(join(dir, 'tmp.json'), '{"n": 3}')
  renameSync(join(dir, 'tmp.json'), file)
  await until(() => values.length === 2)
  expect(values[1]).toEqual({ n: 3 })
}, 30_000)
