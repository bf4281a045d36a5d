// Helpers of the image tests: build an image's app directory by replaying its Dockerfile's
// build stage (imageFixture: clean context, builds, the CA and users a deployment mounts),
// start a service from it, wait for its port, run one of its image steps.

import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashProxyToken } from '@tokentap/proxy'
import { loadOrCreateCa } from '@tokentap/proxy/ca'
import { copyFiles } from '@tokentap/testing'
import { contextFiles } from './context.ts'
import { parseDockerfile } from './dockerfile.ts'
import { replayBuildStage, stageEnv } from './replay.ts'

const ROOT = join(import.meta.dir, '..', '..')

export interface BuiltImage {
  app: string
  /** The final stage's ENV. */
  env: Record<string, string>
}

/** Builds one image's app directory; returns it and the final stage's ENV. */
export function buildImage(name: 'proxy' | 'dashboard', context: string, tmp: string): BuiltImage {
  const stages = parseDockerfile(readFileSync(join(ROOT, `docker/${name}/Dockerfile`), 'utf8'))
  const build = stages[0]
  const final = stages.at(-1)
  if (!build || !final || build === final) throw new Error('expected a multi-stage Dockerfile')
  const app = join(tmp, `${name}-app`)
  replayBuildStage(build, {
    context,
    paths: { '/build': join(tmp, `${name}-build`), '/app': app },
    // The real HOME: `bun install --offline` reads the machine's Bun cache.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmp,
      IMAGE_STEPS_INSTALL_FLAGS: '--offline',
      ...(process.env.BUN_INSTALL_CACHE_DIR
        ? { BUN_INSTALL_CACHE_DIR: process.env.BUN_INSTALL_CACHE_DIR }
        : {}),
    },
  })
  return { app, env: stageEnv(final) }
}

export interface Running {
  proc: ReturnType<typeof Bun.spawn>
  output: () => string
}

export function start(argv: string[], env: Record<string, string>): Running {
  const proc = Bun.spawn(argv, { env, stdout: 'pipe', stderr: 'pipe' })
  let text = ''
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      for await (const chunk of stream) text += new TextDecoder().decode(chunk)
    })()
  }
  return { proc, output: () => text }
}

/** Waits (bounded) for the line a service prints when it listens: the proxy's
 *  `listening on http://127.0.0.1:PORT`, the dashboard's `dashboard on http://127.0.0.1:PORT`
 *  (other URLs in the log, e.g. a webhook's, must not be taken for it). */
export async function listeningPort(r: Running, limitMs = 60_000): Promise<number> {
  const until = Date.now() + limitMs
  while (Date.now() < until) {
    const m = /(?:listening on|dashboard on) http:\/\/127\.0\.0\.1:(\d+)/.exec(r.output())
    if (m?.[1]) return Number(m[1])
    if (r.proc.exitCode !== null) break
    await Bun.sleep(100)
  }
  throw new Error(`service did not start (exit ${r.proc.exitCode}):\n${r.output()}`)
}

export async function stop(r: Running): Promise<number> {
  if (r.proc.exitCode === null) r.proc.kill('SIGTERM')
  return r.proc.exited
}

export function step(app: string, args: string[], env: Record<string, string>) {
  const r = Bun.spawnSync(['sh', join(app, 'scripts/image-steps.sh'), ...args], {
    env,
    stdout: 'pipe',
    stderr: 'pipe',
  })
  return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() }
}

/** Sends raw bytes to a loopback port and returns the first response line. */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(request))
    let data = ''
    socket.on('data', (b) => {
      data += b.toString('latin1')
      if (data.includes('\r\n')) {
        socket.destroy()
        resolve(data.split('\r\n')[0] ?? '')
      }
    })
    socket.on('error', reject)
  })
}

type ServiceName = 'proxy' | 'dashboard'

export interface ImageFixture {
  tmp: string
  /** The build context: the repository's files through .dockerignore. */
  context: string
  images: Partial<Record<ServiceName, BuiltImage>>
  /** alice's proxy token (the users file holds its hash). */
  token: string
  /** Path of a mounted secret: ca.pem, ca-key.pem, users.json. */
  secret(name: string): string
  /** PATH and a scratch HOME: what every run gets. */
  base(): Record<string, string>
  /** The proxy image's environment in team mode on loopback, state in `home`. */
  teamEnv(home: string): Record<string, string>
  cleanup(): void
}

export async function imageFixture(services: ServiceName[]): Promise<ImageFixture> {
  const tmp = mkdtempSync(join(tmpdir(), 'tokentap-image-steps-'))
  const context = join(tmp, 'context')
  copyFiles(ROOT, contextFiles(ROOT), context)
  const images: ImageFixture['images'] = {}
  for (const name of services) images[name] = buildImage(name, context, tmp)
  const secret = (name: string): string => join(tmp, 'secrets', name)
  const ca = await loadOrCreateCa({ home: join(tmp, 'ca-source') })
  mkdirSync(join(tmp, 'secrets'))
  writeFileSync(secret('ca.pem'), ca.certPem)
  writeFileSync(secret('ca-key.pem'), ca.keyPem, { mode: 0o600 })
  const token = randomBytes(16).toString('hex')
  const users = [{ name: 'alice', tokenSha256: hashProxyToken(token) }]
  writeFileSync(secret('users.json'), JSON.stringify({ users }))
  const base = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: tmp })
  return {
    tmp,
    context,
    images,
    token,
    secret,
    base,
    teamEnv: (home) => ({
      ...base(),
      ...images.proxy?.env,
      TOKENTAP_HOME: home,
      PROXY_HOST: '127.0.0.1',
      PROXY_PORT: '0',
      PROXY_USERS: secret('users.json'),
      CA_CERT_FILE: secret('ca.pem'),
      CA_KEY_FILE: secret('ca-key.pem'),
    }),
    // Tens of thousands of files (installs and apps): slow on a loaded machine.
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  }
}
