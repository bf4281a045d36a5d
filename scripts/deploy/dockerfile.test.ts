// Static checks of docker/*/Dockerfile and .dockerignore: both builders (legacy and BuildKit)
// can build them offline — no `# syntax=` frontend to fetch, no BuildKit-only syntax, the base
// image an ARG — they run scripts/image-steps.sh as a non-root user with a HEALTHCHECK, bake in
// no secret, and every path they copy is in the build context as the classic builders walk it
// (dockerignore.ts). docker-smoke.sh builds them in a real engine.

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { contextFiles } from './context.ts'
import { commandWords, copyParts, parseDockerfile, type Stage } from './dockerfile.ts'

const ROOT = join(import.meta.dir, '..', '..')
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8')

function stepsList(service: string, step: 'manifests' | 'sources'): string[] {
  const r = Bun.spawnSync(['sh', join(ROOT, 'scripts/image-steps.sh'), service, step])
  if (r.exitCode !== 0) throw new Error(r.stderr.toString())
  return r.stdout.toString().trim().split('\n')
}

const SECRET_NAME = /PASSWORD|SECRET|API_KEY|(^|_)TOKEN($|_)|WEBHOOK|DATABASE_URL|CA_KEY/
const packageJson = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }
const bunVersion = packageJson.devDependencies['bun-types'] ?? 'missing bun-types'

describe.each(['proxy', 'dashboard'])('docker/%s/Dockerfile', (name) => {
  const text = read(`docker/${name}/Dockerfile`)
  const stages: Stage[] = parseDockerfile(text)
  const build = stages[0]
  const final = stages.at(-1)
  const ops = (s: Stage | undefined, op: string) =>
    (s?.instructions ?? []).filter((i) => i.op === op)

  test("multi-stage on the official Bun image, the repo's Bun version, named by ARG BUN_IMAGE", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const s of stages) {
      expect(s.from).toBe(`\${BUN_IMAGE}`)
      expect(s.image).toMatch(new RegExp(`^oven/bun:${bunVersion}(-[a-z]+)?$`))
    }
  })

  test('builds offline with the legacy builder too: no syntax directive, no BuildKit-only flags', () => {
    expect(text).not.toMatch(/^#\s*(syntax|escape|check)\s*=/im)
    for (const s of stages) {
      for (const i of s.instructions) {
        const flags = i.args.match(/^(\s*--[a-z-]+(=\S*)?)+/)?.[0] ?? ''
        expect({ line: i.line, flags }).not.toMatchObject({
          flags: expect.stringMatching(
            /--(mount|chmod|link|start-interval|network|security|parents|exclude)\b/,
          ),
        })
        expect({ line: i.line, heredoc: /<<-?\s*["']?[A-Z]+/.test(i.args) }).toEqual({
          line: i.line,
          heredoc: false,
        })
      }
    }
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
    expect(health).toMatch(/--interval=[1-5]s\b/)
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

test('the proxy image makes /data (TOKENTAP_HOME) 0700 for bun in its final stage', () => {
  const final = parseDockerfile(read('docker/proxy/Dockerfile')).at(-1)
  const runs = (final?.instructions ?? []).filter((i) => i.op === 'RUN').map((i) => i.args)
  expect(runs.some((r) => /chown bun:bun \/data\b/.test(r) && /chmod 700 \/data\b/.test(r))).toBe(
    true,
  )
  expect(final?.instructions.find((i) => i.op === 'ENV')?.args).toContain('TOKENTAP_HOME=/data')
})

describe('.dockerignore', () => {
  const lines = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  const context = contextFiles(ROOT)

  test('is an allow-list that re-excludes secrets, node_modules and tests', () => {
    expect(lines[0]).toBe('*')
    for (const p of ['**/.env', '**/*.pem', '**/node_modules', '**/*.test.ts', '**/.tokentap']) {
      expect(lines).toContain(p)
    }
  })

  test('every path a Dockerfile copies is in the context, as the classic builders walk it', () => {
    for (const name of ['proxy', 'dashboard']) {
      for (const p of [...stepsList(name, 'manifests'), ...stepsList(name, 'sources')]) {
        const present = context.some((f) => f === p || f.startsWith(`${p}/`))
        expect({ path: p, present }).toEqual({ path: p, present: true })
      }
    }
  })

  test('the context holds no secrets, node_modules, tests or local CA certificates', () => {
    expect(
      context.filter((f) => /(^|\/)(\.env|node_modules\/)|\.pem$|\.test\.ts$/.test(f)),
    ).toEqual([])
    expect(context.filter((f) => f.startsWith('docker/build-ca/'))).toEqual([
      'docker/build-ca/.gitignore',
      'docker/build-ca/README',
    ])
  })
})
