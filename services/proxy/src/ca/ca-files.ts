// File IO of the CA store: exclusive publication (a hard link, so racing processes agree and a
// crash never leaves half a file), labelled reads, and the private-key read that refuses a key
// file other users could read.

import fs from 'node:fs/promises'
import { ConfigError, errorText } from '@tokentap/shared'
import { randomSerialHex } from './x509.ts'

/** Thrown when a CA key file is open to group or others; the message names the fix. */
export class CaKeyPermissionError extends ConfigError {
  override name = 'CaKeyPermissionError'
}

/** The variable that chose a key file: CA_KEY_FILE, or TOKENTAP_HOME for the generated CA. */
export type KeyVariable = 'CA_KEY_FILE' | 'TOKENTAP_HOME'

/**
 * Reads a CA private key, refusing a file with any group or other permission bits: whoever can
 * read it can impersonate the intercepted hosts to every machine that trusts the CA. The mode
 * is taken from the open file, so a file swapped in between is not read unchecked.
 */
export async function readPrivateKeyFile(
  file: string,
  label: string,
  variable: KeyVariable,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  let fh: fs.FileHandle
  try {
    fh = await fs.open(file, 'r')
  } catch (err) {
    throw new Error(`${label}: cannot read file (${errorText(err)})`)
  }
  try {
    const { mode } = await fh.stat()
    // Windows has no POSIX modes (the ACL decides there).
    if (platform !== 'win32' && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(3, '0')
      throw new CaKeyPermissionError(
        variable,
        `${file} is readable or writable by group or others (mode ${octal}); the CA key must ` +
          `be private to the user running tokentap: chmod 600 ${shellQuote(file)}`,
      )
    }
    return await fh.readFile('utf8')
  } finally {
    await fh.close()
  }
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** Creates `target` with `content` only if it does not exist yet; losing a race is not an error. */
export async function publishExclusive(
  target: string,
  content: string,
  mode: number,
): Promise<void> {
  const tmp = `${target}.${process.pid}.${randomSerialHex().slice(0, 8)}.tmp`
  try {
    await writeAndClose(await fs.open(tmp, 'wx', mode), content, mode)
    try {
      await fs.link(tmp, target)
    } catch (err) {
      if (errorCode(err) === 'EEXIST') return
      if (!LINK_UNSUPPORTED.has(errorCode(err) ?? '')) throw err
      await writeExclusive(target, content, mode)
    }
  } finally {
    await fs.rm(tmp, { force: true })
  }
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

// Fallback for filesystems without hard links: still exclusive, but not atomic for readers.
async function writeExclusive(target: string, content: string, mode: number): Promise<void> {
  let fh: fs.FileHandle
  try {
    fh = await fs.open(target, 'wx', mode)
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return
    throw err
  }
  await writeAndClose(fh, content, mode)
}

/** Writes the whole file with its mode, durably, and closes it whatever happens. */
async function writeAndClose(fh: fs.FileHandle, content: string, mode: number): Promise<void> {
  try {
    await fh.writeFile(content)
    await fh.chmod(mode)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null
    throw err
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file)
    return true
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false
    throw err
  }
}

export async function readLabelled(file: string, label: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    throw new Error(`${label}: cannot read file (${errorText(err)})`)
  }
}

export function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined
}
