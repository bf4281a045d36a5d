// The smoke's image phase: both Dockerfiles built by each builder, cold (--no-cache) and warm,
// from a clean copy of the repository; then what every built image must show: /data 0700 for
// bun, no host CA certificate or secret in the layers the build added, the same /app whichever
// builder made it. Sizes for the report.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scanImage } from './layers.ts'
import type { Checks } from './record.ts'
import { expectThat } from './record.ts'
import { must, run, seconds } from './run.ts'
import type { Builder, Tools } from './tools.ts'

export const SERVICES = ['proxy', 'dashboard'] as const
export type Service = (typeof SERVICES)[number]

export interface Built {
  service: Service
  builder: string
  image: string
  coldMs: number
  warmMs: number
}

export async function buildImages(
  tools: Tools,
  context: string,
  tag: string,
  bunImage: string,
  checks: Checks,
): Promise<Built[]> {
  const builders: [string, Builder][] = [['legacy', tools.legacy]]
  if (tools.buildkit) builders.push(['buildkit', tools.buildkit])
  const built: Built[] = []
  for (const [key, builder] of builders) {
    for (const service of SERVICES) {
      const image = `tokentap-${service}:${tag}-${key}`
      const build = (extra: string[]) =>
        must(
          [
            ...builder.argv,
            ...extra,
            '--network',
            'host',
            '--build-arg',
            `BUN_IMAGE=${bunImage}`,
            '-f',
            `docker/${service}/Dockerfile`,
            '-t',
            image,
            '.',
          ],
          { cwd: context, env: builder.env, timeoutMs: 900_000 },
        )
      let coldMs = 0
      let warmMs = 0
      const ok = await checks.check(
        `${service} image builds with the ${builder.label}`,
        async () => {
          coldMs = (await build(['--no-cache'])).ms
          warmMs = (await build([])).ms
          return `cold ${seconds(coldMs)}, warm ${seconds(warmMs)}`
        },
      )
      if (ok) built.push({ service, builder: builder.label, image, coldMs, warmMs })
    }
  }
  return built
}

/** The argv that runs `tool args…` inside an image, as the image's user, without network. */
function toolIn(docker: string, image: string, tool: string, args: string[]): string[] {
  return [docker, 'run', '--rm', '--network', 'none', '--entrypoint', tool, image, ...args]
}

/** `stat` of paths inside an image. */
async function statIn(docker: string, image: string, paths: string[]): Promise<string> {
  const r = await must(toolIn(docker, image, 'stat', ['-c', '%a %U:%G %n', ...paths]))
  return r.out.trim()
}

/** A listing of /app (path, mode, file size, link target) to compare images. */
async function appListing(docker: string, image: string): Promise<string> {
  const r = await must(
    toolIn(docker, image, 'find', [
      '/app',
      '(',
      '-type',
      'f',
      '-printf',
      '%p %s %m\\n',
      ')',
      '-o',
      '-printf',
      '%p %m %y %l\\n',
    ]),
  )
  return r.out.split('\n').sort().join('\n')
}

/** Builds a throwaway image that does hold `pem` and a secret, to show the scan finds them. */
async function scanCanary(
  tools: Tools,
  bunImage: string,
  pem: string,
  secret: string,
  needles: Map<string, string>,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentap-smoke-canary-'))
  const image = `tokentap-smoke-canary:${randomBytes(3).toString('hex')}`
  try {
    writeFileSync(join(dir, 'bundle.crt'), pem)
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${bunImage}\nCOPY bundle.crt /tmp/\nENV CANARY=${secret}\n`,
    )
    await must([...tools.legacy.argv, '-q', '-t', image, dir], { env: tools.legacy.env })
    const scan = await scanImage(tools.docker, image, bunImage, needles)
    const certs = [...needles.keys()].filter((k) => k.startsWith('host CA')).length
    const foundCerts = scan.found.filter((f) => f.startsWith('host CA')).length
    expectThat(foundCerts === certs, `found ${foundCerts} of ${certs} certificates`)
    expectThat(
      scan.found.some((f) => /^secret .* in image config$/.test(f)),
      scan.found.join(', '),
    )
    return `${foundCerts} certificates and the secret found`
  } finally {
    await run([tools.docker, 'rmi', '-f', image])
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function imageChecks(
  tools: Tools,
  built: Built[],
  bunImage: string,
  needles: Map<string, string>,
  canary: { pem: string; secret: string },
  checks: Checks,
): Promise<void> {
  await checks.check(
    'the layer scan finds a CA bundle and a secret a build adds (canary image)',
    () => scanCanary(tools, bunImage, canary.pem, canary.secret, needles),
  )
  const proxies = built.filter((b) => b.service === 'proxy')
  await checks.check(
    '/data (TOKENTAP_HOME) and /data/ca are 0700 bun:bun in every proxy image',
    async () => {
      for (const b of proxies) {
        const st = await statIn(tools.docker, b.image, ['/data', '/data/ca'])
        expectThat(st === '700 bun:bun /data\n700 bun:bun /data/ca', `${b.image}: ${st}`)
      }
      return `${proxies.length} images`
    },
  )
  await checks.check(
    'no host CA certificate and no secret in what any build added (layers, history, config)',
    async () => {
      let layers = 0
      for (const b of built) {
        const scan = await scanImage(tools.docker, b.image, bunImage, needles)
        expectThat(scan.found.length === 0, `${b.image}: ${scan.found.join(', ')}`)
        layers += scan.layers
      }
      return `${built.length} images, ${layers} layers, ${needles.size} needles`
    },
  )
  for (const service of SERVICES) {
    const mine = built.filter((b) => b.service === service)
    if (mine.length < 2) continue
    await checks.check(`${service}: every builder assembles the same /app`, async () => {
      const [first, ...rest] = await Promise.all(mine.map((b) => appListing(tools.docker, b.image)))
      for (const [i, other] of rest.entries()) {
        expectThat(other === first, `${mine[i + 1]?.image} differs from ${mine[0]?.image}`)
      }
      return `${first?.split('\n').length ?? 0} entries`
    })
  }
}

export interface ImageSize {
  image: string
  mb: number
  appMb: number
}

export async function imageSize(docker: string, image: string): Promise<ImageSize> {
  const size = await must([docker, 'image', 'inspect', '--format', '{{.Size}}', image])
  const du = await run(toolIn(docker, image, 'du', ['-sk', '/app']))
  return {
    image,
    mb: Number(size.out.trim()) / 1e6,
    appMb: Number(du.out.split(/\s/)[0] ?? 0) / 1024,
  }
}
