// The text `tokentap up` prints once everything listens: where each part is and how to route
// a shell's tools through the proxy. Pure, so it is unit-tested as is.

import { clientHost } from '../config/paths.ts'

export interface BannerInfo {
  proxy: { host: string; port: number }
  dashboard: { host: string; port: number }
  caPath: string
  databaseUrl: string
  /** Data dir of the Postgres we started; null when DATABASE_URL pointed elsewhere. */
  embeddedDataDir: string | null
  logFile: string
}

export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]*@/i, '$1***@')
}

export function renderBanner(b: BannerInfo): string {
  const proxyUrl = `http://${clientHost(b.proxy.host)}:${b.proxy.port}`
  const dashboardUrl = `http://${clientHost(b.dashboard.host)}:${b.dashboard.port}`
  const db = b.embeddedDataDir
    ? `${maskPassword(b.databaseUrl)} (embedded, data in ${b.embeddedDataDir})`
    : maskPassword(b.databaseUrl)
  return [
    'tokentap is running',
    '',
    `  proxy      ${proxyUrl}`,
    `  dashboard  ${dashboardUrl}`,
    `  CA cert    ${b.caPath}`,
    `  database   ${db}`,
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
