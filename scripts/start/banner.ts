// The text `bun run start` prints once everything listens: where each part is and the two
// exports that route a shell's tools through the proxy. Pure, so it is unit-tested as is.

export interface BannerInfo {
  proxy: { host: string; port: number }
  dashboard: { host: string; port: number }
  caPath: string
  databaseUrl: string
  /** Data dir of the Postgres we started; null when DATABASE_URL pointed elsewhere. */
  embeddedDataDir: string | null
}

/** A wildcard listen address is reached on loopback; IPv6 literals need brackets in URLs. */
export function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
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
    '',
    'Route tools through it (run these in the shell you start them from):',
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
