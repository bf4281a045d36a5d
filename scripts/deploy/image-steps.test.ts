// What the images run, tested without Docker: a clean copy of the repository (filtered by
// .dockerignore) is built by replaying each Dockerfile's build stage (its COPY lines and its
// scripts/image-steps.sh steps, `bun install` offline from the Bun cache), then the assembled
// app is started with the image's ENV on loopback and its health check must pass. The same
// Dockerfiles in a real engine: docker-smoke.sh.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { postgres } from '@tokentap/shared/db'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { Glob } from 'bun'
import {
  type ImageFixture,
  imageFixture,
  listeningPort,
  rawRequest,
  start,
  step,
  stop,
} from './image-run.ts'

let fx: ImageFixture
const images = (): ImageFixture['images'] => fx.images
const base = (): Record<string, string> => fx.base()

beforeAll(async () => {
  fx = await imageFixture(['proxy', 'dashboard'])
}, 240_000)

afterAll(() => fx?.cleanup(), 180_000)

test('the build context holds no secrets, node_modules or tests', () => {
  const files = [...new Glob('**/*').scanSync({ cwd: fx.context, dot: true })]
  expect(files).toContain('scripts/image-steps.sh')
  expect(files).toContain('bun.lock')
  expect(files.filter((f) => /(^|\/)(\.env|node_modules\/)|\.pem$|\.test\.ts$/.test(f))).toEqual([])
})

test('the assembled apps hold their entry points and migrations, without tests', () => {
  const proxy = images().proxy?.app ?? ''
  const dashboard = images().dashboard?.app ?? ''
  expect(existsSync(join(proxy, 'services/proxy/src/main.ts'))).toBe(true)
  expect(existsSync(join(proxy, 'packages/shared/drizzle/meta/_journal.json'))).toBe(true)
  expect(existsSync(join(proxy, 'services/dashboard'))).toBe(false)
  expect(existsSync(join(dashboard, 'services/dashboard/src/main.ts'))).toBe(true)
  expect(existsSync(join(dashboard, 'services/proxy'))).toBe(false)
  // Production install: no devDependencies (typescript, biome) in either app.
  for (const app of [proxy, dashboard]) {
    const links = [
      ...new Glob('*').scanSync({ cwd: join(app, 'node_modules/.bun'), onlyFiles: false }),
    ]
    expect(links.filter((l) => /^(typescript|@biomejs|drizzle-kit|bun-types|pg@)/.test(l))).toEqual(
      [],
    )
    const tests = [...new Glob('{packages,services}/*/src/**/*.test.ts').scanSync({ cwd: app })]
    expect(tests).toEqual([])
  }
})

/** The encodings the proxy's estimates load (the EncodingName union of estimate/tokens.ts). */
const encodings = [
  ...(
    /export type EncodingName = ([^\n]+)/.exec(
      readFileSync(join(import.meta.dir, '../../services/proxy/src/estimate/tokens.ts'), 'utf8'),
    )?.[1] ?? ''
  ).matchAll(/'(\w+)'/g),
].map((m) => m[1])

test('the assembled apps leave out what no runtime loads: types, source maps, unused encodings', () => {
  for (const app of [images().proxy?.app ?? '', images().dashboard?.app ?? '']) {
    const store = join(app, 'node_modules/.bun')
    const dropped = [
      ...new Glob('**/*.{d.ts,d.cts,d.mts,map}').scanSync({ cwd: store, followSymlinks: false }),
    ]
    expect(dropped).toEqual([])
    expect([...new Glob('@types+*').scanSync({ cwd: store, onlyFiles: false })]).toEqual([])
  }
  const ranks = [
    ...new Glob('js-tiktoken@*/node_modules/js-tiktoken/dist/ranks/*').scanSync({
      cwd: join(images().proxy?.app ?? '', 'node_modules/.bun'),
    }),
  ].map((f) => f.slice(f.lastIndexOf('/') + 1))
  expect(encodings.length).toBeGreaterThan(0)
  expect(ranks.sort()).toEqual(encodings.flatMap((e) => [`${e}.cjs`, `${e}.js`]).sort())
})

test('the proxy app counts tokens with every encoding estimate/tokens.ts uses', () => {
  const app = images().proxy?.app ?? ''
  const script = `
    const t = await import('./services/proxy/src/estimate/tokens.ts')
    const names = ${JSON.stringify(encodings)}
    console.log(JSON.stringify(names.map((e) => t.countTokens('hello world', e))))`
  const r = Bun.spawnSync(['bun', '-e', script], { cwd: app, env: base(), stderr: 'pipe' })
  expect({ code: r.exitCode, err: r.stderr.toString() }).toEqual({ code: 0, err: '' })
  expect(JSON.parse(r.stdout.toString())).toEqual(encodings.map(() => 2))
})

describe('proxy image', () => {
  test('starts in team mode with the CA from mounted files and passes its health check', async () => {
    const { app } = images().proxy ?? { app: '' }
    const home = join(fx.tmp, 'proxy-home')
    // Anything the proxy might dial stays on loopback (a closed port).
    const env = { ...fx.teamEnv(home), TOKENTAP_RESOLVE: '*:443=127.0.0.1:9' }
    const proxy = start(['sh', join(app, 'scripts/image-steps.sh'), 'proxy', 'run'], env)
    try {
      const port = await listeningPort(proxy)
      const health = step(app, ['proxy', 'health'], { ...env, PROXY_PORT: String(port) })
      expect(health).toEqual({ code: 0, out: '' })
      const body = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
        status?: string
      }
      expect(body.status).toBe('ok')
      expect(proxy.output()).toContain(`CA certificate: ${fx.secret('ca.pem')}`)
      expect(existsSync(join(home, 'ca'))).toBe(false)
      const line = await rawRequest(
        port,
        'CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n',
      )
      expect(line).toMatch(/^HTTP\/1\.[01] 407/)
    } finally {
      expect(await stop(proxy)).toBe(0)
    }
  }, 120_000)

  test("refuses the image's non-loopback bind without PROXY_USERS", async () => {
    const { app, env: imageEnv } = images().proxy ?? { app: '', env: {} }
    expect(imageEnv.PROXY_HOST).toBe('0.0.0.0')
    const env = {
      ...base(),
      ...imageEnv,
      TOKENTAP_HOME: join(fx.tmp, 'open-home'),
      PROXY_PORT: '0',
    }
    const proxy = start(['sh', join(app, 'scripts/image-steps.sh'), 'proxy', 'run'], env)
    const code = await Promise.race([proxy.proc.exited, Bun.sleep(60_000).then(() => null)])
    if (code === null) await stop(proxy)
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
    expect(proxy.output()).toContain('PROXY_USERS')
  }, 90_000)
})

describe('migrate step and dashboard image', () => {
  let db: TestDatabase
  const user = `tt_dash_${randomBytes(4).toString('hex')}`
  const password = randomBytes(12).toString('hex')

  beforeAll(async () => {
    db = await testDatabase({ migrate: false })
  }, 60_000)
  afterAll(async () => {
    if (!db) return
    await db.drop()
    const admin = postgres(db.url.replace(/\/[^/]+$/, '/postgres'), { max: 1, onnotice: () => {} })
    await admin.unsafe(`drop role if exists "${user}"`).catch(() => undefined)
    await admin.end({ timeout: 1 })
  }, 30_000)

  test("the proxy image's migrate step migrates and creates the dashboard's login role", () => {
    const { app } = images().proxy ?? { app: '' }
    const env = {
      ...base(),
      DATABASE_URL: db.url,
      DASHBOARD_DB_USER: user,
      DASHBOARD_DB_PASSWORD: password,
    }
    const first = step(app, ['proxy', 'migrate'], env)
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/migrations: [1-9]\d* applied/)
    expect(first.out).toContain(`${user}: created`)
    expect(first.out).not.toContain(password)
    const again = step(app, ['proxy', 'migrate'], env)
    expect(again.code).toBe(0)
    expect(again.out).toContain('migrations: 0 applied')
  }, 120_000)

  test('the dashboard starts as that read-only role and passes its health check', async () => {
    const { app, env: imageEnv } = images().dashboard ?? { app: '', env: {} }
    expect(imageEnv.DASHBOARD_HOST).toBe('0.0.0.0')
    const url = new URL(db.url)
    url.username = user
    url.password = password
    const env = {
      ...base(),
      ...imageEnv,
      DASHBOARD_HOST: '127.0.0.1',
      DASHBOARD_PORT: '0',
      DATABASE_URL: url.toString(),
      DASHBOARD_API_KEY: randomBytes(16).toString('hex'),
    }
    const dashboard = start(['sh', join(app, 'scripts/image-steps.sh'), 'dashboard', 'run'], env)
    try {
      const port = await listeningPort(dashboard)
      const health = step(app, ['dashboard', 'health'], { ...env, DASHBOARD_PORT: String(port) })
      expect(health).toEqual({ code: 0, out: '' })
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as {
        database?: string
      }
      expect(body.database).toBe('ok')
      // Assets come from the image's node_modules (htmx, uPlot): no CDN.
      for (const asset of ['htmx.min.js', 'uplot.min.js']) {
        const r = await fetch(`http://127.0.0.1:${port}/static/${asset}`)
        expect({ asset, status: r.status }).toEqual({ asset, status: 200 })
        expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000)
      }
    } finally {
      expect(await stop(dashboard)).toBe(0)
    }
  }, 120_000)
})
