// The combined CA bundle: system roots + our CA in one PEM file under TOKENTAP_HOME, for tools
// that replace the root store (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, …). Written
// atomically; rewritten only when stale (CA or system store newer, header names another CA or
// roots source, or a day old when the roots come from no file), so shell-init stays cheap.

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { rootCertificates } from 'node:tls'

export interface SystemRoots {
  /** File the roots were read from, or a label ('security', 'bun'). */
  source: string
  pem: string
}

/** Where the roots live per platform; the first that exists wins. */
export const ROOT_FILES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // RHEL, Fedora, CentOS
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // macOS, BSDs
]

const DAY_MS = 86_400_000

function mtime(file: string): number | null {
  try {
    return statSync(file).mtimeMs
  } catch {
    return null
  }
}

export function findRootFile(files: readonly string[] = ROOT_FILES): string | null {
  return files.find((f) => mtime(f) !== null) ?? null
}

/** Reads the system roots: the platform file, macOS's keychains, else Bun's bundled roots. */
export function readSystemRoots(
  platform: NodeJS.Platform = process.platform,
  files: readonly string[] = ROOT_FILES,
): SystemRoots {
  if (platform === 'darwin') {
    const r = Bun.spawnSync([
      'security',
      'find-certificate',
      '-a',
      '-p',
      '/System/Library/Keychains/SystemRootCertificates.keychain',
      '/Library/Keychains/System.keychain',
    ])
    const pem = r.stdout.toString()
    if (r.exitCode === 0 && pem.includes('BEGIN CERTIFICATE')) return { source: 'security', pem }
  }
  const file = findRootFile(files)
  if (file) return { source: file, pem: readFileSync(file, 'utf8') }
  return { source: 'bun', pem: `${rootCertificates.join('\n')}\n` }
}

function header(caCert: string, source: string): string {
  return [
    '# tokentap combined CA bundle: system roots + the tokentap CA. Generated; do not edit.',
    `# ca: ${caCert}`,
    `# roots: ${source}`,
    '',
  ].join('\n')
}

/** Whether `bundle` is up to date for this CA and roots source. */
export function bundleFresh(
  bundle: string,
  caCert: string,
  rootSource: string,
  nowMs: number,
): boolean {
  const at = mtime(bundle)
  const caAt = mtime(caCert)
  if (at === null || caAt === null || caAt > at) return false
  const srcAt = rootSource.startsWith('/') ? mtime(rootSource) : null
  if (srcAt !== null ? srcAt > at : nowMs - at > DAY_MS) return false
  try {
    return readFileSync(bundle, 'utf8').startsWith(header(caCert, rootSource))
  } catch {
    return false
  }
}

export function renderBundle(caCert: string, caPem: string, roots: SystemRoots): string {
  const body = roots.pem.endsWith('\n') ? roots.pem : `${roots.pem}\n`
  const ca = caPem.endsWith('\n') ? caPem : `${caPem}\n`
  return `${header(caCert, roots.source)}${body}\n# tokentap CA\n${ca}`
}

export interface EnsureBundleOptions {
  caCert: string
  bundle: string
  nowMs?: number
  /** Cheap: which source the roots would come from (no keychain read). */
  rootSource?: string
  roots?: () => SystemRoots
}

/** Makes sure the bundle exists and is current; returns false when our CA can't be read. */
export function ensureBundle(o: EnsureBundleOptions): boolean {
  const source =
    o.rootSource ?? (process.platform === 'darwin' ? 'security' : (findRootFile() ?? 'bun'))
  if (bundleFresh(o.bundle, o.caCert, source, o.nowMs ?? Date.now())) return true
  let caPem: string
  try {
    caPem = readFileSync(o.caCert, 'utf8')
  } catch {
    return false
  }
  const text = renderBundle(o.caCert, caPem, (o.roots ?? readSystemRoots)())
  mkdirSync(dirname(o.bundle), { recursive: true, mode: 0o700 })
  const tmp = `${o.bundle}.${process.pid}.tmp`
  writeFileSync(tmp, text, { mode: 0o644 })
  renameSync(tmp, o.bundle)
  return true
}
