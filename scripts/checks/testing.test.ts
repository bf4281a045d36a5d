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

const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g

/** Relative imports of `file` that land in a testing/ folder. */
export function testingImports(file: string, text: string): string[] {
  const hits: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const target = normalize(join(dirname(file), m[1]!))
    if (target.split(sep).includes('testing')) hits.push(m[1]!)
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

  test('no runtime file imports from a testing/ folder', () => {
    const offenders = files
      .filter((f) => !isTestCode(f))
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
    expect(OLD_NAMES.test('services/proxy/src/ws/test-support.ts')).toBe(true)
    expect(OLD_NAMES.test('services/proxy/src/providers/openai/fixtures/chat.ts')).toBe(true)
    expect(isTestCode('services/proxy/src/ws/testing/frames.ts')).toBe(true)
    expect(relative(ROOT, join(ROOT, 'x'))).toBe('x')
  })
})
