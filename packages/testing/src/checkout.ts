// The repository's files as CI sees them (tracked plus untracked-but-not-ignored, since work may
// not be committed yet), and copying them elsewhere: tests that need a checkout somewhere else
// (`tokentap up` as root from a 0700 directory, the Docker build contexts).

import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

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

/** Copies `files` (relative to `from`) into `to`, keeping modes. */
export function copyFiles(from: string, files: string[], to: string): void {
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true })
    copyFileSync(join(from, f), join(to, f))
  }
}
