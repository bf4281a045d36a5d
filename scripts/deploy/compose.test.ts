// Static checks of docker-compose.yml (its structure, and that Compose v1.29 accepts it as well
// as v2) and that .env.example documents every variable compose uses or a service reads
// (scanned from sources, so adding a variable without documenting it fails here). The
// Dockerfiles and .dockerignore: dockerfile.test.ts; a real engine: docker-smoke.sh.

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeVariables, documentedVariables, envReadsIn, sourceFiles } from './env-scan.ts'

const ROOT = join(import.meta.dir, '..', '..')
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8')

type Json = Record<string, unknown>
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {})

const composeText = read('docker-compose.yml')
const compose = obj(Bun.YAML.parse(composeText))
const services = obj(compose.services)
const service = (name: string): Json => obj(services[name])
const environment = (name: string): Record<string, string> =>
  obj(service(name).environment) as Record<string, string>
const dependsOn = (name: string, on: string): unknown =>
  obj(obj(service(name).depends_on)[on]).condition
const healthTest = (name: string): string => {
  const t = obj(service(name).healthcheck).test
  return Array.isArray(t) ? t.join(' ') : String(t)
}

const seconds = (v: unknown): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(String(v))
  if (!m) return Number.NaN
  return Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1)
}
/** The default of a Dockerfile's global `ARG BUN_IMAGE=…`. */
const bunImageDefault = (file: string): string =>
  /^ARG BUN_IMAGE=(\S+)$/m.exec(read(file))?.[1] ?? 'missing ARG BUN_IMAGE'

/** Variables each service's code reads (shared code counts for every service). */
const SOURCE_DIRS = {
  proxy: ['services/proxy/src', 'packages/shared/src'],
  dashboard: ['services/dashboard/src', 'packages/shared/src'],
  migrate: ['services/proxy/src/provision.ts', 'packages/shared/src'],
} as const
function readsOf(dirs: readonly string[]): Set<string> {
  const names = new Set<string>()
  for (const dir of dirs) {
    const files = dir.endsWith('.ts') ? [dir] : sourceFiles(ROOT, [dir])
    for (const f of files) for (const n of envReadsIn(read(f))) names.add(n)
  }
  return names
}
const reads = {
  proxy: readsOf(SOURCE_DIRS.proxy),
  dashboard: readsOf(SOURCE_DIRS.dashboard),
  migrate: readsOf(SOURCE_DIRS.migrate),
}
const allReads = new Set([...reads.proxy, ...reads.dashboard, ...reads.migrate])
const documented = documentedVariables(read('.env.example'))
/** Variables Compose itself reads from .env. */
const COMPOSE_OWN = ['COMPOSE_PROJECT_NAME']
const documentedNames = new Set(documented.map((d) => d.name))

describe('env-scan helpers', () => {
  test('envReadsIn finds every reading form and nothing else', () => {
    const src = `
      readInt(env, 'A_MS', 1); readString(process.env, "B_URL")
      process.env.C_FLAG; env['D_FILE']; new ConfigError('E_KEY', 'x')
      export const USERS_VARIABLE = 'F_USERS'
      readString(record.id); const notEnv = 'G_NOT'`
    expect(envReadsIn(src)).toEqual(['A_MS', 'B_URL', 'C_FLAG', 'D_FILE', 'E_KEY', 'F_USERS'])
  })

  test('composeVariables skips $${…} (expanded in the container)', () => {
    const text = ['a: $', '{X:-1} $', '{Y:?m} $', '{Z} $$', '{W}'].join('')
    expect(composeVariables(text)).toEqual(['X', 'Y', 'Z'])
  })

  test('documentedVariables reads set and commented defaults and their comments', () => {
    const doc = documentedVariables('# about A\nA=\n# B=2\n\nC=3\n')
    expect(doc.map((d) => [d.name, d.value, d.explained])).toEqual([
      ['A', '', true],
      ['B', '2', true],
      ['C', '3', false],
    ])
  })
})

describe('docker-compose.yml', () => {
  test('has postgres, migrate, proxy and dashboard', () => {
    expect(Object.keys(services).sort()).toEqual(['dashboard', 'migrate', 'postgres', 'proxy'])
  })

  test('postgres: pinned official image (POSTGRES_IMAGE), named volume, healthcheck, no host port', () => {
    const pg = service('postgres')
    expect(String(pg.image)).toMatch(/^\$\{POSTGRES_IMAGE:-postgres:\d+\.\d+(-[a-z0-9]+)?\}$/)
    expect(pg.ports).toBeUndefined()
    expect(pg.volumes).toContain('postgres-data:/var/lib/postgresql')
    // TCP, not the socket the first start's temporary (init) server listens on.
    expect(healthTest('postgres')).toContain('pg_isready -h 127.0.0.1')
    expect(environment('postgres').POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/)
  })

  test('tokentap services are built from docker/*/Dockerfile', () => {
    for (const [name, file] of [
      ['migrate', 'docker/proxy/Dockerfile'],
      ['proxy', 'docker/proxy/Dockerfile'],
      ['dashboard', 'docker/dashboard/Dockerfile'],
    ] as const) {
      expect(obj(service(name).build)).toEqual({
        context: '.',
        dockerfile: file,
        args: { BUN_IMAGE: `\${BUN_IMAGE:-${bunImageDefault(file)}}` },
      })
    }
  })

  test('Compose v1.29 accepts it: no top-level name, no start_interval, no v2-only keys', () => {
    const v1TopLevel = /^(version|services|volumes|networks|secrets|configs|x-.*)$/
    expect(Object.keys(compose).filter((k) => !v1TopLevel.test(k))).toEqual([])
    expect(composeText).not.toMatch(/^\s*(start_interval|include|develop|additional_contexts):/m)
    expect(composeText).not.toContain('!reset')
    expect(documentedNames.has('COMPOSE_PROJECT_NAME')).toBe(true)
  })

  test('healthchecks report within a few seconds (intervals of at most 5 s)', () => {
    for (const name of ['postgres', 'proxy', 'dashboard']) {
      const hc = obj(service(name).healthcheck)
      expect({ name, interval: seconds(hc.interval) <= 5 }).toEqual({ name, interval: true })
    }
  })

  test('migrate runs once after postgres is healthy; proxy and dashboard wait for it', () => {
    expect(service('migrate').command).toEqual([
      'sh',
      '/app/scripts/image-steps.sh',
      'proxy',
      'migrate',
    ])
    expect(service('migrate').restart).toBe('no')
    expect(dependsOn('migrate', 'postgres')).toBe('service_healthy')
    expect(dependsOn('proxy', 'migrate')).toBe('service_completed_successfully')
    expect(dependsOn('dashboard', 'migrate')).toBe('service_completed_successfully')
  })

  test('proxy: port 8080, team mode on, CA volume, healthcheck', () => {
    const proxy = service('proxy')
    expect((proxy.ports as string[]).some((p) => p.endsWith(':8080'))).toBe(true)
    expect(environment('proxy').PROXY_USERS).toMatch(/^\/etc\/tokentap\//)
    expect(environment('proxy').ALLOW_OPEN_PROXY).toBeUndefined()
    expect(proxy.volumes).toContain('proxy-ca:/data/ca')
    expect(healthTest('proxy')).toContain('image-steps.sh proxy health')
  })

  test('dashboard: port 3000, read-only role, DASHBOARD_API_KEY required, healthcheck', () => {
    const env = environment('dashboard')
    expect((service('dashboard').ports as string[]).some((p) => p.endsWith(':3000'))).toBe(true)
    expect(env.DASHBOARD_API_KEY).toMatch(/^\$\{DASHBOARD_API_KEY:\?/)
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/\$\{DASHBOARD_DB_USER/)
    expect(env.DATABASE_URL).not.toContain('POSTGRES_PASSWORD')
    expect(healthTest('dashboard')).toContain('image-steps.sh dashboard health')
  })

  test('every named volume is declared', () => {
    const declared = Object.keys(obj(compose.volumes))
    for (const s of Object.values(services)) {
      for (const v of (obj(s).volumes as string[] | undefined) ?? []) {
        const source = v.split(':')[0] ?? ''
        if (/^[a-z][a-z0-9_-]*$/.test(source)) expect(declared).toContain(source)
      }
    }
  })

  test("a service's environment only sets variables its code reads", () => {
    for (const name of ['proxy', 'dashboard', 'migrate'] as const) {
      const unread = Object.keys(environment(name)).filter((k) => !reads[name].has(k))
      expect({ service: name, unread }).toEqual({ service: name, unread: [] })
    }
  })
})

describe('.env.example', () => {
  test('the source scan sees the known variables (so the checks below can fail)', () => {
    for (const n of ['DATABASE_URL', 'PROXY_PORT', 'CA_CERT_FILE', 'BATCH_SIZE']) {
      expect(reads.proxy.has(n)).toBe(true)
    }
    expect(reads.dashboard.has('DASHBOARD_PORT')).toBe(true)
    expect(reads.migrate.has('DASHBOARD_DB_PASSWORD')).toBe(true)
  })

  test('documents every variable a service reads', () => {
    expect([...allReads].filter((n) => !documentedNames.has(n)).sort()).toEqual([])
  })

  test('documents every variable docker-compose.yml uses', () => {
    expect(composeVariables(composeText).filter((n) => !documentedNames.has(n))).toEqual([])
  })

  test('lists each variable once, under a comment, and nothing unknown', () => {
    const names = documented.map((d) => d.name)
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
    expect(documented.filter((d) => !d.explained).map((d) => d.name)).toEqual([])
    const known = new Set([...allReads, ...composeVariables(composeText), ...COMPOSE_OWN])
    expect(names.filter((n) => !known.has(n))).toEqual([])
  })

  test('holds no secret values', () => {
    for (const d of documented) {
      if (/PASSWORD|SECRET|API_KEY|WEBHOOK/.test(d.name)) expect(d.value).toBe('')
    }
  })
})
