// Append-only disk spool for records Postgres could not take (down, erroring, or too slow).
// Segments `spool-<ms>-<seq>.jsonl` hold one JSON record per line, fsynced per append; a sealed
// segment is replayed whole and deleted only after its records are committed. Unreadable lines
// go to `corrupt-<ms>.jsonl` beside them. One sink per spool directory.
//
// Records name users, projects, paths and costs: the directory is private to the proxy's user
// (0700) and every file in it 0600. The directory is tokentap's own, so an existing one (and the
// files an earlier version left in it) is tightened at start too.

import { randomBytes } from 'node:crypto'
import {
  appendFile,
  chmod,
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  stat,
  unlink,
} from 'node:fs/promises'
import { join } from 'node:path'
import type { StoredRecord } from './pg-rows.ts'

export interface SpoolRead {
  records: StoredRecord[]
  /** Lines that are not a JSON record with an id (e.g. a torn last line). */
  corrupt: string[]
}

export interface Spool {
  /** Resolves once segments left by an earlier run are known (rejects if dir is unusable). */
  ready: Promise<void>
  append(records: StoredRecord[]): Promise<void>
  /** Close the open segment so it can be replayed; the next append starts a new one. */
  seal(): Promise<void>
  /** Sealed segments, oldest first. */
  segments(): string[]
  read(path: string): Promise<SpoolRead>
  remove(path: string): Promise<void>
  /** Writes lines to corrupt-<ms>.jsonl; returns its path. */
  setAside(lines: string[]): Promise<string>
  /** No segment on disk and no append in progress (synchronous, exact). */
  isEmpty(): boolean
  bytes(): number
  /** Segment files on disk, the open one included. */
  fileCount(): number
  close(): Promise<void>
}

const SEGMENT = /^spool-\d{13}-\d{6}-[0-9a-f]{4}\.jsonl$/
const CORRUPT = /^corrupt-\d{13}\.jsonl$/
const DIR_MODE = 0o700
const FILE_MODE = 0o600

/** chmod when group or others have any bit; a file we may not chmod (another owner) is still
 *  used as before rather than failing the spool. Returns the size. */
async function tighten(path: string, mode: number): Promise<number> {
  const st = await stat(path)
  if ((st.mode & 0o077) !== 0) await chmod(path, mode).catch(() => {})
  return st.size
}

export function createSpool(dir: string, now: () => number, maxSegmentBytes = 8 << 20): Spool {
  const files = new Map<string, number>() // path → bytes, every segment on disk
  let current: { path: string; fh: FileHandle } | null = null
  let seq = 0
  let pending = 1 // the directory scan below counts as an append in progress
  const tag = randomBytes(2).toString('hex')
  const ready = (async () => {
    await mkdir(dir, { recursive: true, mode: DIR_MODE })
    await tighten(dir, DIR_MODE)
    for (const name of (await readdir(dir)).sort()) {
      if (SEGMENT.test(name)) files.set(join(dir, name), await tighten(join(dir, name), FILE_MODE))
      else if (CORRUPT.test(name)) await tighten(join(dir, name), FILE_MODE)
    }
  })().finally(() => {
    pending--
  })
  let chain: Promise<unknown> = ready.catch(() => undefined)
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn)
    chain = p.catch(() => undefined)
    return p
  }
  const stamp = (): string => String(Math.floor(now())).padStart(13, '0')

  async function closeCurrent(): Promise<void> {
    const c = current
    current = null
    if (c) await c.fh.close()
  }

  return {
    ready,
    append(records) {
      if (records.length === 0) return Promise.resolve()
      pending++
      return serial(async () => {
        let text = ''
        for (const r of records) text += `${JSON.stringify(r)}\n`
        if (current && (files.get(current.path) ?? 0) >= maxSegmentBytes) await closeCurrent()
        if (!current) {
          const name = `spool-${stamp()}-${String(seq++ % 1e6).padStart(6, '0')}-${tag}.jsonl`
          const path = join(dir, name)
          current = { path, fh: await open(path, 'a', FILE_MODE) }
          files.set(path, 0)
        }
        await current.fh.write(text)
        await current.fh.sync()
        files.set(current.path, (files.get(current.path) ?? 0) + Buffer.byteLength(text))
      }).finally(() => {
        pending--
      })
    },
    seal: () => serial(closeCurrent),
    segments: () => [...files.keys()].filter((p) => p !== current?.path).sort(),
    async read(path) {
      const records: StoredRecord[] = []
      const corrupt: string[] = []
      for (const line of (await readFile(path, 'utf8')).split('\n')) {
        if (line.length === 0) continue
        try {
          const r = JSON.parse(line) as StoredRecord | null
          if (r && typeof r === 'object' && typeof r.id === 'string') records.push(r)
          else corrupt.push(line)
        } catch {
          corrupt.push(line)
        }
      }
      return { records, corrupt }
    },
    async remove(path) {
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e
      })
      files.delete(path)
    },
    async setAside(lines) {
      const path = join(dir, `corrupt-${stamp()}.jsonl`)
      await appendFile(path, lines.map((l) => `${l}\n`).join(''), { mode: FILE_MODE })
      return path
    },
    isEmpty: () => files.size === 0 && pending === 0,
    bytes: () => [...files.values()].reduce((a, b) => a + b, 0),
    fileCount: () => files.size,
    close: () => serial(closeCurrent),
  }
}
