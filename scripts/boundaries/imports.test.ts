import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { importSpecifiers, judgeImport, type Pkg, readPackages, scanRepository } from './imports.ts'

const ROOT = join(import.meta.dir, '..', '..')

const pkg = (dir: string, name: string, deps: string[], exports: string[] | null): Pkg => ({
  dir,
  name,
  deps: new Set(deps),
  exports: exports ? new Set(exports) : null,
})
const PKGS = [
  pkg('', 'root', ['@tokentap/proxy'], null),
  pkg('packages/cli', '@tokentap/cli', ['@tokentap/proxy'], ['./pgserver']),
  pkg('packages/shared', '@tokentap/shared', [], ['.', './db']),
  pkg('services/proxy', '@tokentap/proxy', ['@tokentap/shared'], ['.', './ca']),
]

describe('judgeImport', () => {
  test('relative imports inside a package pass, out of it fail', () => {
    expect(judgeImport('packages/cli/src/up/start.ts', '../config/paths.ts', PKGS)).toBeNull()
    expect(judgeImport('services/proxy/test/a.test.ts', '../src/app.ts', PKGS)).toBeNull()
    expect(
      judgeImport('packages/cli/src/up/start.ts', '../../../../services/proxy/src/app.ts', PKGS),
    ).toBe('relative import leaves @tokentap/cli for @tokentap/proxy: import it by package name')
    // The root package holds scripts/, but not the workspaces under it.
    expect(judgeImport('scripts/bench/a.ts', '../deploy/b.ts', PKGS)).toBeNull()
    expect(
      judgeImport('scripts/bench/a.ts', '../../packages/shared/src/db/index.ts', PKGS),
    ).toMatch(/leaves root for @tokentap\/shared/)
    expect(judgeImport('packages/shared/src/a.ts', '../../../../elsewhere.ts', PKGS)).toMatch(
      /out of the repository/,
    )
  })

  test('package names must be declared, exported, and not the importer itself', () => {
    expect(judgeImport('packages/cli/src/a.ts', '@tokentap/proxy/ca', PKGS)).toBeNull()
    expect(judgeImport('scripts/bench/a.ts', '@tokentap/proxy', PKGS)).toBeNull()
    expect(judgeImport('packages/cli/src/a.ts', '@tokentap/proxy/src/app.ts', PKGS)).toBe(
      '@tokentap/proxy exports no "./src/app.ts"',
    )
    expect(judgeImport('packages/cli/src/a.ts', '@tokentap/shared', PKGS)).toMatch(
      /not a dependency of @tokentap\/cli/,
    )
    expect(judgeImport('services/proxy/src/a.ts', '@tokentap/proxy/ca', PKGS)).toMatch(
      /imports itself by name/,
    )
    expect(judgeImport('packages/cli/src/a.ts', '@tokentap/nope', PKGS)).toMatch(/no workspace/)
    expect(judgeImport('packages/cli/src/a.ts', 'node:fs', PKGS)).toBeNull()
    expect(judgeImport('packages/cli/src/a.ts', 'hono', PKGS)).toBeNull()
  })
})

test('importSpecifiers sees type-only, multi-line, re-export and dynamic imports, not comments', () => {
  const src = [
    "import type { A } from './a.ts'",
    "import {\n  b,\n} from './b.ts'",
    "export * from './c.ts'",
    "const d = await import('./d.ts')",
    "// import e from './e.ts'",
    'const s = "import f from \'./f.ts\'"',
  ].join('\n')
  expect(importSpecifiers(src)).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts'])
})

test('the workspace packages are found, each with its exports map', () => {
  const names = readPackages(ROOT).map((p) => p.name)
  expect(names).toContain('@tokentap/proxy')
  expect(names).toContain('@tokentap/testing')
  expect(readPackages(ROOT).every((p) => p.dir === '' || p.exports !== null)).toBe(true)
})

test('no import crosses a package by relative path; package imports are declared and exported', () => {
  expect(scanRepository(ROOT)).toEqual([])
})
