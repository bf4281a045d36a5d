// Live reload: an edit yields the new config; a broken edit is reported and changes nothing.

import { afterEach, expect, test } from 'bun:test'
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BudgetsConfig } from './types.ts'
import { watchBudgetsFile } from './watch.ts'

const yaml = (limit: number) => `budgets:\n  - name: b\n    period: day\n    limitUsd: ${limit}\n`

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await Bun.sleep(20)
  }
}

let stop: (() => void) | null = null
afterEach(() => stop?.())

test('reloads on change, keeps the last good config on a broken edit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-budgets-watch-'))
  const file = join(dir, 'budgets.yaml')
  writeFileSync(file, yaml(10))
  const changes: BudgetsConfig[] = []
  const errors: Error[] = []
  stop = watchBudgetsFile(
    file,
    (c) => changes.push(c),
    (e) => errors.push(e),
  )
  writeFileSync(file, yaml(20))
  await until(() => changes.length === 1)
  expect(changes[0]?.budgets[0]?.limitUsd).toBe(20)

  writeFileSync(file, yaml(-1))
  await until(() => errors.length > 0)
  expect(errors[0]?.message).toContain('TOKENTAP_BUDGETS')
  expect(errors[0]?.message).toContain('limitUsd')
  expect(changes.length).toBe(1)

  // An editor-style atomic replace is seen too.
  writeFileSync(join(dir, 'tmp.yaml'), yaml(30))
  renameSync(join(dir, 'tmp.yaml'), file)
  await until(() => changes.length === 2)
  expect(changes[1]?.budgets[0]?.limitUsd).toBe(30)
}, 30_000)
