// The real-engine smoke test of the deployment (scripts/deploy/docker-smoke.sh prepares the
// engine and base images, then runs this): from a clean copy of the repository it builds both
// images with every builder here (images.ts), brings the compose stack up with
// `compose up -d --build` on the host network against a loopback TLS mock (stack-checks.ts),
// reports build and start times and image sizes, and removes the containers, volumes and images
// it made (base images and builder cache stay). Exit 0 when every check passed.

import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashProxyToken } from '@tokentap/proxy'
import { copyFiles, repositoryFiles } from '@tokentap/testing'
import { buildImages, imageChecks, imageSize, SERVICES } from './images.ts'
import { certNeedles } from './layers.ts'
import { freePort } from './ports.ts'
import { Checks } from './record.ts'
import { run, seconds } from './run.ts'
import { removeStaleRuns, SMOKE_PROJECT_PREFIX, Stack, timeline } from './stack.ts'
import { stackChecks } from './stack-checks.ts'
import { composeOverride, envFile, type StackConfig, withoutPorts } from './stack-config.ts'
import { findTools } from './tools.ts'
import { startAnthropicMock } from './traffic.ts'

const ROOT = join(import.meta.dir, '..', '..', '..')
const env = process.env
const say = (line: string): void => {
  process.stdout.write(`${line}\n`)
}
for (const v of [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
]) {
  delete env[v]
}

const started = performance.now()
const tools = await findTools(env.DOCKER ?? 'docker')
const bunImage = env.BUN_IMAGE ?? 'oven/bun:1.4.5-slim'
const postgresImage = env.POSTGRES_IMAGE ?? 'postgres:18.4-alpine'
say(
  `engine ${tools.serverVersion}, CLI ${tools.docker} ${tools.clientVersion}, ${tools.compose.version}`,
)
for (const image of [bunImage, postgresImage]) {
  const r = await run([
    tools.docker,
    'image',
    'inspect',
    '--format',
    '{{index .Config.Labels "tokentap.standin"}}',
    image,
  ])
  const standin = r.code === 0 && r.out.trim() !== '' && r.out.trim() !== '<no value>'
  say(
    `base image ${image}: ${r.code !== 0 ? 'MISSING' : standin ? 'LOCAL STAND-IN (label tokentap.standin), not the official image' : 'real image'}`,
  )
}
say(
  tools.buildkit
    ? `builders: ${tools.legacy.label}; ${tools.buildkit.label}`
    : `builders: ${tools.legacy.label}; BuildKit SKIPPED: ${tools.buildkitMissing}`,
)

const stale = await removeStaleRuns(tools.docker)
if (stale.length > 0) say(`removed what interrupted runs left: ${stale.join(', ')}`)

const id = randomBytes(3).toString('hex')
const tmp = mkdtempSync(join(tmpdir(), 'tokentap-docker-smoke-'))
const context = join(tmp, 'repo')
// A clean clone as the user has it: tracked and new files of this worktree, nothing ignored.
copyFiles(ROOT, repositoryFiles(ROOT), context)
const hostCaPath =
  env.SMOKE_BUILD_CA ?? env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt'
const hostCa = (() => {
  try {
    return readFileSync(hostCaPath, 'utf8')
  } catch {
    return ''
  }
})()
// The registry may be behind a TLS-inspecting proxy: the host's CA bundle goes where the
// Dockerfiles' build stage looks for it (docker/build-ca, README there).
if (hostCa) writeFileSync(join(context, 'docker/build-ca/host.crt'), hostCa)

const mock = await startAnthropicMock()
const upstreamCa = join(tmp, 'upstream-ca.pem')
writeFileSync(upstreamCa, mock.caPem, { mode: 0o644 })
const port = async (name: string): Promise<number> => Number(env[name] ?? (await freePort()))
const config: StackConfig = {
  project: `${SMOKE_PROJECT_PREFIX}${id}`,
  tag: `smoke-${id}`,
  ports: {
    postgres: await port('SMOKE_POSTGRES_PORT'),
    proxy: await port('SMOKE_PROXY_PORT'),
    dashboard: await port('SMOKE_DASHBOARD_PORT'),
    mock: mock.port,
  },
  secrets: {
    postgresPassword: randomBytes(18).toString('hex'),
    dashboardDbPassword: randomBytes(18).toString('hex'),
    apiKey: randomBytes(24).toString('hex'),
    token: randomBytes(24).toString('hex'),
  },
  upstreamCa,
  bunImage,
  postgresImage,
}
writeFileSync(join(context, '.env'), envFile(config), { mode: 0o600 })
mkdirSync(join(context, 'config'), { mode: 0o755 })
chmodSync(join(context, 'config'), 0o755)
const users = { users: [{ name: 'alice', tokenSha256: hashProxyToken(config.secrets.token) }] }
writeFileSync(join(context, 'config/users.json'), JSON.stringify(users), { mode: 0o644 })
// The project directory is that of the first file: it sits beside docker-compose.yml.
writeFileSync(
  join(context, 'docker-compose.smoke.yml'),
  JSON.stringify(withoutPorts(readFileSync(join(context, 'docker-compose.yml'), 'utf8')), null, 2),
)
const overrideFile = join(tmp, 'smoke.override.yml')
writeFileSync(overrideFile, JSON.stringify(composeOverride(config), null, 2), { mode: 0o600 })
say(`ports (loopback, host network): ${JSON.stringify(config.ports)}; work dir ${tmp}`)

const needles = new Map<string, string>()
for (const [i, n] of certNeedles(hostCa).entries()) needles.set(`host CA certificate #${i + 1}`, n)
for (const [k, v] of Object.entries(config.secrets)) needles.set(`secret ${k}`, v)

const checks = new Checks(say)
const stack = new Stack(tools, context, config.project, ['docker-compose.smoke.yml', overrideFile])
const report: string[] = []
const made: string[] = []
try {
  const built = await buildImages(tools, context, config.tag, bunImage, checks)
  made.push(...built.map((b) => b.image))
  for (const b of built) {
    report.push(
      `build ${b.service.padEnd(9)} ${b.builder}: cold ${seconds(b.coldMs)}, warm ${seconds(b.warmMs)}`,
    )
  }
  let upMs = 0
  let t0 = 0
  let healthy = new Map<string, number>()
  const up = await checks.check(
    'compose up -d --build: postgres, proxy and dashboard healthy',
    async () => {
      t0 = Date.now()
      const r = await stack.compose(['up', '-d', '--build'])
      upMs = r.ms
      if (r.code !== 0)
        throw new Error(`compose up exited ${r.code}:\n${(r.out + r.err).slice(-3000)}`)
      healthy = await stack.waitHealthy(['postgres', 'proxy', 'dashboard'], 120_000)
      const all = Math.max(...healthy.values()) - t0
      return `up returned after ${seconds(upMs)}, all healthy ${seconds(all)} after it started`
    },
  )
  for (const s of SERVICES) made.push(`tokentap-${s}:${config.tag}`)
  if (up) {
    report.push(
      `compose up -d --build (${tools.compose.version}) returned after ${seconds(upMs)}; from its start:`,
    )
    for (const line of await timeline(stack, t0, healthy)) report.push(`  ${line}`)
    const compose = [`tokentap-proxy:${config.tag}`, `tokentap-dashboard:${config.tag}`]
    await imageChecks(
      tools,
      [
        ...built,
        ...SERVICES.map((s, i) => ({
          service: s,
          builder: 'compose',
          image: compose[i] ?? '',
          coldMs: 0,
          warmMs: 0,
        })),
      ],
      bunImage,
      needles,
      { pem: hostCa, secret: config.secrets.apiKey },
      checks,
    )
    for (const image of compose) {
      const size = await imageSize(tools.docker, image)
      report.push(`size ${image}: ${size.mb.toFixed(0)} MB, /app ${size.appMb.toFixed(1)} MB`)
    }
    const base = await imageSize(tools.docker, bunImage)
    report.push(`size ${bunImage} (base): ${base.mb.toFixed(0)} MB`)
    await stackChecks(stack, config, tmp, checks)
  } else {
    say((await stack.compose(['logs', '--no-color'])).out.slice(-5000))
  }
} finally {
  await stack.compose(['down', '-v', '--remove-orphans'])
  if (made.length > 0) await run([tools.docker, 'rmi', '-f', ...made])
  await mock.stop()
  if (env.SMOKE_KEEP_WORKDIR !== '1') rmSync(tmp, { recursive: true, force: true })
}
for (const line of report) say(`  ${line}`)
const total = checks.results.length
say(
  `docker smoke: ${total - checks.failed} of ${total} checks ok, ${checks.failed} failed, ${seconds(performance.now() - started)} in all`,
)
process.exit(checks.failed === 0 && total > 0 ? 0 : 1)
