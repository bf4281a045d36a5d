// What `install-cert` / `uninstall-cert` run to make the OS trust store trust our CA, per OS
// family (pure): Debian/Ubuntu, RHEL/Fedora, macOS (login keychain).

export const OS_FAMILIES = ['debian', 'rhel', 'macos'] as const
export type OsFamily = (typeof OS_FAMILIES)[number]

export const DEBIAN_CERT = '/usr/local/share/ca-certificates/tokentap.crt'
export const RHEL_CERT = '/etc/pki/ca-trust/source/anchors/tokentap.crt'

/** From /etc/os-release's ID and ID_LIKE, else which anchor directory exists. */
export function detectOs(
  platform: NodeJS.Platform,
  osRelease: string | null,
  exists: (path: string) => boolean,
): OsFamily | null {
  if (platform === 'darwin') return 'macos'
  if (platform !== 'linux') return null
  const field = (k: string): string[] =>
    (new RegExp(`^${k}=("?)([^"\\n]*)\\1$`, 'm').exec(osRelease ?? '')?.[2] ?? '').split(/\s+/)
  const ids = [...field('ID'), ...field('ID_LIKE')]
  if (ids.some((i) => ['debian', 'ubuntu'].includes(i))) return 'debian'
  if (ids.some((i) => ['rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'amzn'].includes(i))) {
    return 'rhel'
  }
  if (exists('/usr/local/share/ca-certificates')) return 'debian'
  if (exists('/etc/pki/ca-trust/source/anchors')) return 'rhel'
  return null
}

export interface PlanInput {
  os: OsFamily
  caCert: string
  /** Running as root: no sudo. */
  root: boolean
  home: string
  /** SHA-1 of the certificate, hex without colons (macOS deletes by hash). */
  sha1: string
}

export function installPlan(p: PlanInput): string[][] {
  const sudo = (argv: string[]): string[] => (p.root ? argv : ['sudo', ...argv])
  switch (p.os) {
    case 'debian':
      return [
        sudo(['install', '-m', '0644', p.caCert, DEBIAN_CERT]),
        sudo(['update-ca-certificates']),
      ]
    case 'rhel':
      return [sudo(['install', '-m', '0644', p.caCert, RHEL_CERT]), sudo(['update-ca-trust'])]
    case 'macos':
      // -p ssl: trusted for TLS server certificates only (not code signing, mail, …).
      return [
        [
          'security',
          'add-trusted-cert',
          '-r',
          'trustRoot',
          '-p',
          'ssl',
          '-k',
          keychain(p.home),
          p.caCert,
        ],
      ]
  }
}

export function uninstallPlan(p: PlanInput): string[][] {
  const sudo = (argv: string[]): string[] => (p.root ? argv : ['sudo', ...argv])
  switch (p.os) {
    case 'debian':
      return [sudo(['rm', '-f', DEBIAN_CERT]), sudo(['update-ca-certificates', '--fresh'])]
    case 'rhel':
      return [sudo(['rm', '-f', RHEL_CERT]), sudo(['update-ca-trust'])]
    case 'macos':
      return [['security', 'delete-certificate', '-Z', p.sha1, '-t', keychain(p.home)]]
  }
}

function keychain(home: string): string {
  return `${home}/Library/Keychains/login.keychain-db`
}

/** A command line as a user would type it. */
export function shellLine(argv: string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}
