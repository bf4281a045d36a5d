// A Docker build context without Docker: the repository's files as CI sees them (tracked plus
// untracked-but-not-ignored, since work may not be committed yet), filtered by .dockerignore as
// the classic builders apply it (dockerignore.ts).

import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { dockerignoreFilter } from './dockerignore.ts'

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

/** The files of `root` that a build from it receives (its .dockerignore applied). */
export function contextFiles(root: string): string[] {
  const inContext = dockerignoreFilter(readFileSync(join(root, '.dockerignore'), 'utf8'))
  return repositoryFiles(root).filter(inContext)
}

/** Copies `files` (relative to `from`) into `to`, keeping modes. */
export function copyFiles(from: string, files: string[], to: string): void {
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true })
    copyFileSync(join(from, f), join(to, f))
  }
}
