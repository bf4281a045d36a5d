// Copies of the migrations folder cut at a tag, so a test can fill a database as an older
// release left it and then run the migrations after it. Deleted by removeMigrationCopies().

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MIGRATIONS_FOLDER } from '../migrate.ts'

const dirs: string[] = []

interface Journal {
  entries: { tag: string }[]
}

/** The committed journal's tags, in order. */
export function migrationTags(): string[] {
  const file = join(MIGRATIONS_FOLDER, 'meta/_journal.json')
  return (JSON.parse(readFileSync(file, 'utf8')) as Journal).entries.map((e) => e.tag)
}

/** A copy of the migrations folder whose journal stops before `tag` (or, `through`, after it). */
export function migrationsUpTo(tag: string, opts: { through?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tt-migrations-'))
  dirs.push(dir)
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true })
  const file = join(dir, 'meta/_journal.json')
  const journal = JSON.parse(readFileSync(file, 'utf8')) as Journal
  const at = journal.entries.findIndex((e) => e.tag === tag)
  if (at < 1) throw new Error(`migration ${tag} is not in the journal (or is the first)`)
  journal.entries = journal.entries.slice(0, opts.through ? at + 1 : at)
  writeFileSync(file, JSON.stringify(journal))
  return dir
}

export function removeMigrationCopies(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}
