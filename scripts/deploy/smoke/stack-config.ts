// What the smoke gives docker-compose.yml, pure: the .env a deployment writes (secrets of this
// run, a project and image tag of its own) and an override file that puts every container on
// the host network on free loopback ports (this machine's engine runs without a bridge) and
// points the proxy's upstreams at the loopback TLS mock. The shipped compose file is used as
// is but for its `ports:` (nothing to publish on the host network, and Compose v1 refuses
// both; an override cannot remove a list in v1).

export interface SmokePorts {
  postgres: number
  proxy: number
  dashboard: number
  /** The TLS mock upstream every intercepted host resolves to. */
  mock: number
}

export interface SmokeSecrets {
  postgresPassword: string
  dashboardDbPassword: string
  apiKey: string
  /** alice's proxy token (users.json holds its SHA-256). */
  token: string
}

export interface StackConfig {
  project: string
  tag: string
  ports: SmokePorts
  secrets: SmokeSecrets
  /** Host path of the mock upstream's CA certificate (mounted read-only into the proxy). */
  upstreamCa: string
  bunImage: string
  postgresImage: string
}

export const UPSTREAM_CA_IN_CONTAINER = '/etc/tokentap-smoke/upstream-ca.pem'
export const DASHBOARD_DB_USER = 'tokentap_dashboard_user'
const DB = 'tokentap'
const OWNER = 'tokentap'

export function envFile(c: StackConfig): string {
  return `${[
    `COMPOSE_PROJECT_NAME=${c.project}`,
    `TOKENTAP_TAG=${c.tag}`,
    `BUN_IMAGE=${c.bunImage}`,
    `POSTGRES_IMAGE=${c.postgresImage}`,
    `POSTGRES_PASSWORD=${c.secrets.postgresPassword}`,
    `DASHBOARD_DB_PASSWORD=${c.secrets.dashboardDbPassword}`,
    `DASHBOARD_API_KEY=${c.secrets.apiKey}`,
  ].join('\n')}\n`
}

export const ownerUrl = (c: StackConfig): string =>
  `postgres://${OWNER}:${c.secrets.postgresPassword}@127.0.0.1:${c.ports.postgres}/${DB}`

export const dashboardUrl = (c: StackConfig): string =>
  `postgres://${DASHBOARD_DB_USER}:${c.secrets.dashboardDbPassword}@127.0.0.1:${c.ports.postgres}/${DB}`

/** docker-compose.yml without `ports:` (JSON is YAML; anchors and merges resolved). */
export function withoutPorts(composeYaml: string): Record<string, unknown> {
  const doc = Bun.YAML.parse(composeYaml) as { services?: Record<string, Record<string, unknown>> }
  for (const service of Object.values(doc.services ?? {})) delete service.ports
  return doc as Record<string, unknown>
}

/** The override compose file (JSON is YAML). */
export function composeOverride(c: StackConfig): Record<string, unknown> {
  // restart "no": containers a killed run leaves behind never come back with the engine.
  const host = { network_mode: 'host', restart: 'no' }
  const build = { build: { network: 'host' } }
  return {
    services: {
      postgres: {
        ...host,
        environment: { PGPORT: String(c.ports.postgres) },
        command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
      },
      migrate: { ...host, ...build, environment: { DATABASE_URL: ownerUrl(c) } },
      proxy: {
        ...host,
        ...build,
        environment: {
          DATABASE_URL: ownerUrl(c),
          PROXY_HOST: '127.0.0.1',
          PROXY_PORT: String(c.ports.proxy),
          TOKENTAP_RESOLVE: `*:443=127.0.0.1:${c.ports.mock}`,
          TOKENTAP_UPSTREAM_CA: UPSTREAM_CA_IN_CONTAINER,
          BATCH_INTERVAL_MS: '100',
        },
        volumes: [`${c.upstreamCa}:${UPSTREAM_CA_IN_CONTAINER}:ro`],
      },
      dashboard: {
        ...host,
        ...build,
        environment: {
          DATABASE_URL: dashboardUrl(c),
          DASHBOARD_HOST: '127.0.0.1',
          DASHBOARD_PORT: String(c.ports.dashboard),
        },
      },
    },
  }
}
