// The text `tokentap up` prints once everything listens: where each part is and how to route
// a shell's tools through the proxy. Pure, so it is unit-tested as is.

import { clientHost } from '../config/paths.ts'

export interface BannerInfo {
  proxy: { host: string; port: number }
  dashboard: { host: string; port: number }
  caPath: string
  databaseUrl: string
  /** The Postgres we started; null when DATABASE_URL pointed elsewhere. */
  embedded: EmbeddedInfo | null
  logFile: string
}

export interface EmbeddedInfo {
  dataDir: string
  /** Where its binaries are (staged under /var/lib/tokentap as root). */
  binDir: string
  /** The OS user it runs as when that is not us (as root: postgres). */
  osUser: string | null
}

export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]*@/i, '$1***@')
}

export function renderBanner(b: BannerInfo): string {
  const proxyUrl = `http://${clientHost(b.proxy.host)}:${b.proxy.port}`
  const dashboardUrl = `http://${clientHost(b.dashboard.host)}:${b.dashboard.port}`
  const e = b.embedded
  const db = e
    ? `${maskPassword(b.databaseUrl)} (embedded, data in ${e.dataDir})`
    : maskPassword(b.databaseUrl)
  const server = e?.osUser ? [`  postgres   ${e.binDir} (runs as user ${e.osUser})`] : []
  return [
    'tokentap is running',
    '',
    `  proxy      ${proxyUrl}`,
    `  dashboard  ${dashboardUrl}`,
    `  CA cert    ${b.caPath}`,
    `  database   ${db}`,
    ...server,
    `  logs       ${b.logFile}`,
    '',
    'Route a shell through it (every tool started from it is measured):',
    '',
    '  eval "$(tokentap shell-init)"      or once for all new shells: tokentap install',
    '',
    'or by hand:',
    '',
    `  export HTTPS_PROXY=${proxyUrl}`,
    `  export NODE_EXTRA_CA_CERTS=${b.caPath}`,
    '',
    `  curl: curl --proxy ${proxyUrl} --cacert ${b.caPath} https://…`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n')
}
