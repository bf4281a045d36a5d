// Package boundaries: every import that reaches another workspace package goes through that
// package's name (`@tokentap/proxy/ca`), never a relative path out of its own directory; the
// name is declared in the importer's package.json and the subpath is in the target's `exports`.
// judgeImport is pure; scanRepository reads the packages and the sources (.ts/.tsx under
// packages/, services/, scripts/) and lists what breaks the rules.

import { readFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import ts from 'typescript'

export interface Pkg {
  /** Directory relative to the repository root, '' for the root package. */
  dir: string
  name: string
  /** dependencies and devDependencies. */
  deps: ReadonlySet<string>
  /** Subpaths of `exports` ('.', './ca', …); null when the package has no exports map. */
  exports: ReadonlySet<string> | null
}

export interface Violation {
  file: string
  specifier: string
  reason: string
}

/** Every module specifier a source names: static, type-only, re-exports, import(). Comments and
 *  strings are not read as imports. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName)
}

/** The package a repository-relative path belongs to: the deepest package directory holding it. */
export function packageOf(file: string, pkgs: readonly Pkg[]): Pkg {
  let best: Pkg | undefined
  for (const p of pkgs) {
    const inside = p.dir === '' || file === p.dir || file.startsWith(`${p.dir}/`)
    if (inside && (!best || p.dir.length > best.dir.length)) best = p
  }
  if (!best) throw new Error(`${file}: in no package (is the root package listed?)`)
  return best
}

const SCOPE = '@tokentap/'

/** Why `specifier` imported from `file` breaks a boundary rule; null when it is fine. */
export function judgeImport(file: string, specifier: string, pkgs: readonly Pkg[]): string | null {
  const own = packageOf(file, pkgs)
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier))
    if (target.startsWith('../')) return 'relative import out of the repository'
    const into = packageOf(target, pkgs)
    if (into === own) return null
    return `relative import leaves ${own.name} for ${into.name}: import it by package name`
  }
  if (!specifier.startsWith(SCOPE)) return null
  const name = specifier.split('/').slice(0, 2).join('/')
  const target = pkgs.find((p) => p.name === name)
  if (!target) return `no workspace package is named ${name}`
  if (target === own) return `${own.name} imports itself by name: use a relative path`
  if (!own.deps.has(name)) return `${name} is not a dependency of ${own.name} (its package.json)`
  const subpath = `.${specifier.slice(name.length)}`
  if (!target.exports?.has(subpath)) return `${name} exports no "${subpath}"`
  return null
}

/** The root package and the workspace packages (root package.json `workspaces` globs). */
export function readPackages(root: string): Pkg[] {
  const read = (dir: string): Pkg => {
    const json = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      name: string
      dependencies?: Record<string, string>
      devDependencies?: Record<string, string>
      exports?: Record<string, string>
      workspaces?: string[]
    }
    return {
      dir,
      name: json.name,
      deps: new Set([
        ...Object.keys(json.dependencies ?? {}),
        ...Object.keys(json.devDependencies ?? {}),
      ]),
      exports: json.exports ? new Set(Object.keys(json.exports)) : null,
    }
  }
  const workspaces = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] }
  ).workspaces
  const dirs = (workspaces ?? []).flatMap((pattern) => [
    ...new Bun.Glob(`${pattern}/package.json`).scanSync({ cwd: root, onlyFiles: true }),
  ])
  return [read(''), ...dirs.map((f) => read(dirname(f)))]
}

/** Every boundary violation in the repository's sources. */
export function scanRepository(root: string): Violation[] {
  const pkgs = readPackages(root)
  const out: Violation[] = []
  const glob = new Bun.Glob('{packages,services,scripts}/**/*.{ts,tsx}')
  for (const file of glob.scanSync({ cwd: root, onlyFiles: true })) {
    if (file.split('/').includes('node_modules')) continue
    for (const specifier of importSpecifiers(readFileSync(join(root, file), 'utf8'))) {
      const reason = judgeImport(file, specifier, pkgs)
      if (reason) out.push({ file, specifier, reason })
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file))
}
