// `tokentap ca renew`: a new, name-constrained CA beside the one in use (ca-next.pem +
// ca-next-key.pem), and the switch to it (`--activate`: ca.pem → ca-old.pem, ca-next.pem →
// ca.pem, keys alike). The key moves before the certificate: a crash in between leaves a pair the
// loader refuses as mismatched (never one it would replace), and running --activate again
// finishes the switch. With CA_CERT_FILE/CA_KEY_FILE the operator switches by pointing them at
// the new files; the next pair is written beside them.

import fs from 'node:fs/promises'
import path from 'node:path'
import { exists } from './ca-files.ts'
import {
  type CaMaterial,
  type CaPair,
  homeCaFiles,
  loadCaPair,
  loadOrCreatePair,
} from './ca-store.ts'

export interface RenewFiles {
  current: CaPair
  next: CaPair
  /** Where --activate keeps the replaced CA; null when CA_CERT_FILE/CA_KEY_FILE name the CA. */
  old: CaPair | null
}

export function renewFiles(home: string, certFile?: string, keyFile?: string): RenewFiles {
  if (certFile && keyFile) {
    return {
      current: { cert: certFile, key: keyFile },
      next: {
        cert: path.join(path.dirname(certFile), 'ca-next.pem'),
        key: path.join(path.dirname(keyFile), 'ca-next-key.pem'),
      },
      old: null,
    }
  }
  const { current, next, old } = homeCaFiles(home)
  return { current, next, old }
}

/** The waiting CA, created now (constrained to `permit`) unless one is there; `replace` drops
 *  a waiting one first. */
export async function prepareNextCa(
  files: RenewFiles,
  permit: readonly string[],
  now: () => Date,
  opts: { replace?: boolean } = {},
): Promise<{ ca: CaMaterial; created: boolean }> {
  if (opts.replace) {
    await fs.rm(files.next.cert, { force: true })
    await fs.rm(files.next.key, { force: true })
  }
  const created = !(await exists(files.next.cert)) && !(await exists(files.next.key))
  await fs.mkdir(path.dirname(files.next.key), { recursive: true, mode: 0o700 })
  const variable = files.old === null ? 'CA_KEY_FILE' : 'TOKENTAP_HOME'
  return { ca: await loadOrCreatePair(files.next, permit, now, variable), created }
}

/** Whether `tokentap ca renew` left a CA waiting. */
export async function nextWaiting(files: RenewFiles): Promise<boolean> {
  return (await exists(files.next.cert)) || (await exists(files.next.key))
}

/** Makes the waiting CA the one in use; returns it. Resumes an interrupted switch. */
export async function activateNextCa(files: RenewFiles, now: () => Date): Promise<CaMaterial> {
  const { current, next, old } = files
  if (old === null) {
    throw new Error(
      `CA_CERT_FILE and CA_KEY_FILE choose the CA: set CA_CERT_FILE=${next.cert} and ` +
        `CA_KEY_FILE=${next.key}, then restart the proxy (keep the old files until no client needs them)`,
    )
  }
  const [hasCert, hasKey] = [await exists(next.cert), await exists(next.key)]
  if (!hasCert) {
    throw new Error(`no renewed CA waits in ${next.cert}: run \`tokentap ca renew\` first`)
  }
  if (hasKey) {
    // Validates the waiting pair (and its key's permissions) before anything moves.
    await loadCaPair(next, now)
    if (await exists(current.cert)) {
      await fs.rm(old.cert, { force: true })
      await fs.copyFile(current.cert, old.cert)
    }
    if (await exists(current.key)) {
      await fs.rm(old.key, { force: true })
      await fs.copyFile(current.key, old.key)
      await fs.chmod(old.key, 0o600)
    }
    await fs.rename(next.key, current.key)
  }
  // The key is in place (now, or by an interrupted earlier run): the certificate follows.
  const waiting = await loadCaPair({ cert: next.cert, key: current.key }, now)
  await fs.rename(next.cert, current.cert)
  return { ...waiting, certPath: current.cert, keyPath: current.key }
}
