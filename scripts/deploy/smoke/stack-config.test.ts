import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeVariables } from '../env-scan.ts'
import {
  composeOverride,
  envFile,
  type StackConfig,
  UPSTREAM_CA_IN_CONTAINER,
  withoutPorts,
} from './stack-config.ts'

const config: StackConfig = {
  project: 'tokentap-smoke-ab12',
  tag: 'smoke-ab12',
  ports: { postgres: 41001, proxy: 41002, dashboard: 41003, mock: 41004 },
  secrets: { postgresPassword: 'pgpw', dashboardDbPassword: 'dashpw', apiKey: 'key', token: 'tok' },
  upstreamCa: '/tmp/x/upstream-ca.pem',
  bunImage: 'oven/bun:1.4.5-slim',
  postgresImage: 'postgres:18.4-alpine',
}
type Json = Record<string, Record<string, unknown>>
const services = composeOverride(config).services as Json
const compose = Bun.YAML.parse(
  readFileSync(join(import.meta.dir, '../../../docker-compose.yml'), 'utf8'),
) as { services: Json }

describe('smoke stack config', () => {
  test('the compose file it runs is the shipped one without ports', () => {
    const text = readFileSync(join(import.meta.dir, '../../../docker-compose.yml'), 'utf8')
    const stripped = withoutPorts(text)
    const shipped = Bun.YAML.parse(text) as { services: Json }
    for (const s of Object.values(shipped.services)) delete s.ports
    expect(stripped).toEqual({ ...shipped })
    expect(text).toContain('ports:')
    expect(JSON.stringify(stripped)).not.toContain('"ports"')
  })

  test('overrides exactly the services of docker-compose.yml, all on the host network', () => {
    expect(Object.keys(services).sort()).toEqual(Object.keys(compose.services).sort())
    for (const s of Object.values(services))
      expect(s).toMatchObject({ network_mode: 'host', restart: 'no' })
  })

  test('builds on the host network what compose builds', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const build = services[name]?.build as Record<string, unknown> | undefined
      expect({ name, network: build?.network }).toEqual({
        name,
        network: s.build ? 'host' : undefined,
      })
    }
  })

  test('each service listens on its own loopback port; the proxy dials only the mock', () => {
    const env = (name: string) => services[name]?.environment as Record<string, string>
    expect(env('postgres').PGPORT).toBe('41001')
    expect(env('proxy')).toMatchObject({
      PROXY_HOST: '127.0.0.1',
      PROXY_PORT: '41002',
      TOKENTAP_RESOLVE: '*:443=127.0.0.1:41004',
      TOKENTAP_UPSTREAM_CA: UPSTREAM_CA_IN_CONTAINER,
    })
    expect(env('dashboard')).toMatchObject({ DASHBOARD_HOST: '127.0.0.1', DASHBOARD_PORT: '41003' })
    for (const name of ['migrate', 'proxy', 'dashboard']) {
      expect(env(name).DATABASE_URL).toContain('@127.0.0.1:41001/')
    }
    expect(env('dashboard').DATABASE_URL).toContain('tokentap_dashboard_user:dashpw@')
    expect(services.proxy?.volumes).toEqual([
      `/tmp/x/upstream-ca.pem:${UPSTREAM_CA_IN_CONTAINER}:ro`,
    ])
  })

  test('the .env sets every required variable of docker-compose.yml and a project of its own', () => {
    const text = readFileSync(join(import.meta.dir, '../../../docker-compose.yml'), 'utf8')
    const required = [...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1])
    const set = new Set(
      envFile(config)
        .trim()
        .split('\n')
        .map((l) => l.split('=')[0]),
    )
    expect(required.filter((n) => !set.has(n ?? ''))).toEqual([])
    for (const n of set)
      expect([...composeVariables(text), 'COMPOSE_PROJECT_NAME']).toContain(n ?? '')
    expect(envFile(config)).toContain('COMPOSE_PROJECT_NAME=tokentap-smoke-ab12\n')
  })
})
