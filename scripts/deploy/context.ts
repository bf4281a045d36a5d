// A Docker build context without Docker: the repository's files as CI sees them (tracked plus
// untracked-but-not-ignored, since work may not be committed yet), filtered by .dockerignore.

import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Glob } from 'bun'

/** `git ls-files --cached --others --exclude-standard`, minus files deleted in the tree. */
export function repositoryFiles(root: string): string[] {
  const r = Bun.spawnSync(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
  })
  if (r.exitCode !== 0) throw new Error(`git ls-files: ${r.stderr.toString()}`)
  return r.stdout
    .toString()
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)) && statSync(join(root, f)).isFile())
}

/** .dockerignore semantics: a pattern matches a path or one of its parent directories; the last
 *  matching pattern wins; `!pattern` re-includes. Returns whether a path is in the context. */
export function dockerignoreFilter(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const include = l.startsWith('!')
      const pattern = (include ? l.slice(1) : l).replace(/^\/+|\/+$/g, '')
      return { include, glob: new Glob(pattern) }
    })
  return (path) => {
    const parts = path.split('/')
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
    let included = true
    for (const rule of rules) {
      if (prefixes.some((p) => rule.glob.match(p))) included = rule.include
    }
    return included
  }
}

/** Copies `files` (relative to `from`) into `to`, keeping modes. */
export function copyFiles(from: string, files: string[], to: string): void {
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true })
    copyFileSync(join(from, f), join(to, f))
  }
}
