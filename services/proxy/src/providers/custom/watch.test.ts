// Live reload: an edit yields the new config; a broken edit is reported and changes nothing.

import { afterEach, expect, test } from 'bun:test'
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProvidersConfig } from './config.ts'
import { watchProvidersConfig } from './watch.ts'

const config = (name: string) =>
  JSON.stringify({ providers: [{ name, hosts: [`${name}.io`], dialect: 'gemini' }] })

/** Resolves once `check` holds (polled), or rejects after a timeout. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await Bun.sleep(20)
  }
}

let stop: (() => void) | null = null
afterEach(() => stop?.())

test('reloads on change, keeps the last good config on a broken edit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokentap-watch-'))
  const file = join(dir, 'providers.json')
  writeFileSync(file, config('one'))
  const changes: ProvidersConfig[] = []
  const errors: unknown[] = []
  stop = watchProvidersConfig(
    file,
    (c) => changes.push(c),
    (e) => errors.push(e),
  )
  let current = 'one' // what a caller would keep using

  writeFileSync(file, config('two'))
  await until(() => changes.length === 1)
  current = changes[0]?.providers[0]?.name ?? current
  expect(current).toBe('two')

  writeFileSync(file, '{"providers": [{"name": "three", "hosts": []')
  await until(() => errors.length > 0)
  expect(String(errors[0])).toContain('TOKENTAP_PROVIDERS')
  writeFileSync(file, JSON.stringify({ providers: [{ name: 'x', hosts: [], dialect: 'gemini' }] }))
  await until(() => errors.some((e) => String(e).includes('providers[0].hosts: must not be empty')))
  expect(changes.length).toBe(1)

  // An editor-style atomic replace (write elsewhere, rename over) is seen too.
  writeFileSync(join(dir, 'tmp.json'), config('four'))
  renameSync(join(dir, 'tmp.json'), file)
  await until(() => changes.length === 2)
  expect(changes[1]?.providers[0]?.name).toBe('four')

  // Touching an unrelated file in the same directory does nothing; rewriting the same config
  // does not repeat onChange.
  writeFileSync(join(dir, 'other.json'), 'junk')
  writeFileSync(file, config('four'))
  await Bun.sleep(300)
  expect(changes.length).toBe(2)
})
