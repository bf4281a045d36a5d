// Static checks of the deployment files: docker-compose.yml's structure, the Dockerfiles (they
// run scripts/image-steps.sh, as a non-root user, with a HEALTHCHECK), .dockerignore, and that
// .env.example documents every variable compose uses or a service reads (scanned from sources,
// so adding a variable without documenting it fails here).

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Glob } from 'bun'
import { commandWords, copyParts, parseDockerfile, type Stage } from './dockerfile.ts'
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

/** Variables each service's code reads (shared code counts for every service). */
const SOURCE_DIRS = {
  proxy: ['services/proxy/src', 'packages/shared/src'],
  dashboard: ['services/dashboard/src', 'packages/shared/src'],
  migrate: ['scripts/deploy/provision.ts', 'packages/shared/src'],
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

  test('postgres: pinned official image, named volume, healthcheck, no host port', () => {
    const pg = service('postgres')
    expect(String(pg.image)).toMatch(/^postgres:\d+\.\d+(-[a-z0-9]+)?$/)
    expect(pg.ports).toBeUndefined()
    expect(pg.volumes).toContain('postgres-data:/var/lib/postgresql')
    expect(healthTest('postgres')).toContain('pg_isready')
    expect(environment('postgres').POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/)
  })

  test('tokentap services are built from docker/*/Dockerfile', () => {
    for (const [name, file] of [
      ['migrate', 'docker/proxy/Dockerfile'],
      ['proxy', 'docker/proxy/Dockerfile'],
      ['dashboard', 'docker/dashboard/Dockerfile'],
    ] as const) {
      expect(obj(service(name).build)).toEqual({ context: '.', dockerfile: file })
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
    const known = new Set([...allReads, ...composeVariables(composeText)])
    expect(names.filter((n) => !known.has(n))).toEqual([])
  })

  test('holds no secret values', () => {
    for (const d of documented) {
      if (/PASSWORD|SECRET|API_KEY|WEBHOOK/.test(d.name)) expect(d.value).toBe('')
    }
  })
})

function stepsList(service: string, step: 'manifests' | 'sources'): string[] {
  const r = Bun.spawnSync(['sh', join(ROOT, 'scripts/image-steps.sh'), service, step])
  if (r.exitCode !== 0) throw new Error(r.stderr.toString())
  return r.stdout.toString().trim().split('\n')
}

const SECRET_NAME = /PASSWORD|SECRET|API_KEY|(^|_)TOKEN($|_)|WEBHOOK|DATABASE_URL|CA_KEY/
const bunVersion = String(obj(obj(JSON.parse(read('package.json'))).devDependencies)['bun-types'])

describe.each(['proxy', 'dashboard'])('docker/%s/Dockerfile', (name) => {
  const stages: Stage[] = parseDockerfile(read(`docker/${name}/Dockerfile`))
  const build = stages[0]
  const final = stages.at(-1)
  const ops = (s: Stage | undefined, op: string) =>
    (s?.instructions ?? []).filter((i) => i.op === op)

  test("multi-stage on the official Bun image, the repo's Bun version", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const s of stages)
      expect(s.image).toMatch(new RegExp(`^oven/bun:${bunVersion}(-[a-z]+)?$`))
  })

  test('build stage: manifests copied first, installed by image-steps.sh, then sources', () => {
    const ins = build?.instructions ?? []
    const install = ins.findIndex(
      (i) => i.op === 'RUN' && i.args.includes(`image-steps.sh ${name} install`),
    )
    const assemble = ins.findIndex(
      (i) => i.op === 'RUN' && i.args.includes(`image-steps.sh ${name} assemble`),
    )
    expect(install).toBeGreaterThan(0)
    expect(assemble).toBeGreaterThan(install)
    const copied = (from: number, to: number) =>
      ins
        .slice(from, to)
        .filter((i) => i.op === 'COPY')
        .flatMap((i) => copyParts(i.args).sources)
    expect(copied(0, install).sort()).toEqual(stepsList(name, 'manifests').sort())
    expect(copied(install, assemble).sort()).toEqual(stepsList(name, 'sources').sort())
  })

  test('final stage: only the assembled app, non-root USER, HEALTHCHECK, run via image-steps.sh', () => {
    for (const c of ops(final, 'COPY')) expect(copyParts(c.args).flags.from).toBe('build')
    const user = ops(final, 'USER').at(-1)?.args
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^(root|0)(:|$)/)
    const health = ops(final, 'HEALTHCHECK').at(-1)?.args ?? ''
    const healthCmd = commandWords(health.slice(health.indexOf('CMD') + 3)).join(' ')
    expect(healthCmd).toBe(`sh /app/scripts/image-steps.sh ${name} health`)
    const cmd = ops(final, 'CMD').at(-1)?.args ?? ''
    expect(commandWords(cmd).join(' ')).toBe(`sh /app/scripts/image-steps.sh ${name} run`)
  })

  test('bakes in no secret', () => {
    for (const s of stages) {
      for (const i of s.instructions) {
        if (i.op === 'ENV' || i.op === 'ARG') {
          const names = [...i.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)[=\s]?/g)].map(
            (m) => m[1],
          )
          for (const n of names) expect(n).not.toMatch(SECRET_NAME)
        }
        if (i.op === 'COPY') expect(i.args).not.toMatch(/\.pem|\.env|\.tokentap|users\.json/)
      }
    }
  })
})

describe('.dockerignore', () => {
  const lines = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  const allowed = lines.filter((l) => l.startsWith('!')).map((l) => new Glob(l.slice(1)))

  test('is an allow-list that re-excludes secrets, node_modules and tests', () => {
    expect(lines[0]).toBe('*')
    for (const p of ['**/.env', '**/*.pem', '**/node_modules', '**/*.test.ts', '**/.tokentap']) {
      expect(lines).toContain(p)
    }
  })

  test('allows every path a Dockerfile copies from the context', () => {
    for (const name of ['proxy', 'dashboard']) {
      for (const p of [...stepsList(name, 'manifests'), ...stepsList(name, 'sources')]) {
        expect({ path: p, allowed: allowed.some((g) => g.match(p)) }).toEqual({
          path: p,
          allowed: true,
        })
      }
    }
  })
})
