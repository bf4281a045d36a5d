// The test-support convention (CLAUDE.md): code only tests use lives in a `testing/` folder beside
// what it serves (or in a service's `test/`), never in a file a runtime loads. The images drop
// `testing/` folders and `*.test.ts` files (scripts/image-steps.sh, .dockerignore), so a source
// file importing test support would ship broken; this scan keeps both rules true.

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import { Glob } from 'bun'

const ROOT = join(import.meta.dir, '..', '..')
const TREES = ['packages', 'services', 'scripts']

function allFiles(): string[] {
  const out: string[] = []
  for (const tree of TREES) {
    for (const f of new Glob(`${tree}/**/*.{ts,tsx}`).scanSync({ cwd: ROOT })) {
      if (!f.split('/').includes('node_modules')) out.push(f)
    }
  }
  return out.sort()
}

/** Test code: a test file, a file in a test/ tree, or test support itself. */
export function isTestCode(file: string): boolean {
  const parts = file.split('/')
  return /\.test\.tsx?$/.test(file) || parts.includes('test') || parts.includes('testing')
}

/** Code the packages run or ship (scripts/ is tooling: benches and deploy checks may use test
 *  support). */
export function isShipped(file: string): boolean {
  return (file.startsWith('packages/') || file.startsWith('services/')) && !isTestCode(file)
}

const IMPORT = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g
/** Test support published as packages: @tokentap/testing and the services' ./testing subpaths. */
const TESTING_PACKAGE = /^@tokentap\/(testing(\/|$)|[a-z-]+\/testing(\/|$))/

/** Imports of `file` that land in test support: a relative path into a testing/ folder, or a
 *  test-support package by name. */
export function testingImports(file: string, text: string): string[] {
  const hits: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1]!
    if (spec.startsWith('.')) {
      const target = normalize(join(dirname(file), spec))
      if (target.split(sep).includes('testing')) hits.push(spec)
    } else if (TESTING_PACKAGE.test(spec)) hits.push(spec)
  }
  return hits
}

/** Names the old conventions used for test support, in folders a runtime ships. */
const OLD_NAMES =
  /(^|\/)(fixtures|test-util)\/|(^|\/)(test-support|test-helpers|test-context|fake-data)\.tsx?$/

describe('test support convention', () => {
  const files = allFiles()

  test('the scan sees the trees (sanity)', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(files.some((f) => f.includes('/testing/'))).toBe(true)
  })

  test('no shipped file imports test support (a testing/ folder or a testing package)', () => {
    const offenders = files
      .filter((f) => isShipped(f))
      .flatMap((f) =>
        testingImports(f, readFileSync(join(ROOT, f), 'utf8')).map((i) => `${f} → ${i}`),
      )
    expect(offenders).toEqual([])
  })

  test('test support lives in testing/ (or test/), under none of the old names', () => {
    const misplaced = files.filter((f) => !isTestCode(f) && OLD_NAMES.test(f))
    expect(misplaced).toEqual([])
  })

  test('the checks can fail', () => {
    expect(
      testingImports('services/proxy/src/a/b.ts', "import { x } from '../testing/y.ts'"),
    ).toEqual(['../testing/y.ts'])
    expect(testingImports('services/proxy/src/a/b.ts', "import { x } from './y.ts'")).toEqual([])
    expect(
      testingImports('packages/cli/src/a.ts', "import { t } from '@tokentap/testing'"),
    ).toEqual(['@tokentap/testing'])
    expect(
      testingImports('packages/cli/src/a.ts', "import { t } from '@tokentap/proxy/testing'"),
    ).toEqual(['@tokentap/proxy/testing'])
    expect(
      testingImports('packages/cli/src/a.ts', "import { t } from '@tokentap/proxy/ca'"),
    ).toEqual([])
    expect(OLD_NAMES.test('services/proxy/src/ws/test-support.ts')).toBe(true)
    expect(OLD_NAMES.test('services/proxy/src/providers/openai/fixtures/chat.ts')).toBe(true)
    expect(isTestCode('services/proxy/src/ws/testing/frames.ts')).toBe(true)
    expect(isShipped('services/proxy/src/app.ts')).toBe(true)
    expect(isShipped('scripts/bench/ingest.ts')).toBe(false)
    expect(relative(ROOT, join(ROOT, 'x'))).toBe('x')
  })
})
