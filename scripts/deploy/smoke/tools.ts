// Which Docker tools this machine has, for the smoke: the CLI, the legacy builder, a BuildKit
// builder (buildx if installed, else the built-in BuildKit of a CLI older than 23, e.g. Debian
// 12's docker.io 20.10 when a newer CLI without buildx shadows it) and Compose (the v2 plugin,
// else docker-compose v1).

import { existsSync } from 'node:fs'
import { run } from './run.ts'

export interface Builder {
  label: string
  /** `build` argv without the build arguments. */
  argv: string[]
  env: Record<string, string>
}

export interface Tools {
  docker: string
  clientVersion: string
  serverVersion: string
  legacy: Builder
  /** null: no BuildKit here (the reason is in buildkitMissing). */
  buildkit: Builder | null
  buildkitMissing: string
  compose: { argv: string[]; version: string }
}

async function version(docker: string, part: 'Client' | 'Server'): Promise<string> {
  const r = await run([docker, 'version', '--format', `{{.${part}.Version}}`])
  return r.code === 0 ? r.out.trim() : ''
}

const major = (v: string): number => Number(/^(\d+)/.exec(v)?.[1] ?? 0)

export async function findTools(docker: string): Promise<Tools> {
  const clientVersion = await version(docker, 'Client')
  const serverVersion = await version(docker, 'Server')
  if (!serverVersion) throw new Error(`${docker} reaches no Docker engine (docker version failed)`)
  const legacy = {
    label: `legacy builder (DOCKER_BUILDKIT=0, CLI ${clientVersion})`,
    argv: [docker, 'build'],
    env: { DOCKER_BUILDKIT: '0' },
  }
  let buildkit: Builder | null = null
  let buildkitMissing = ''
  const buildx = await run([docker, 'buildx', 'version'])
  if (buildx.code === 0) {
    buildkit = {
      label: `BuildKit (${buildx.out.trim().split(' ').slice(0, 2).join(' ')})`,
      argv: [docker, 'buildx', 'build', '--load'],
      env: {},
    }
  } else {
    for (const cli of [docker, '/usr/bin/docker']) {
      if (!existsSync(cli) && cli !== docker) continue
      const v = await version(cli, 'Client')
      if (v && major(v) < 23) {
        buildkit = {
          label: `BuildKit (DOCKER_BUILDKIT=1, built into CLI ${v}${cli === docker ? '' : ` at ${cli}`})`,
          argv: [cli, 'build'],
          env: { DOCKER_BUILDKIT: '1' },
        }
        break
      }
    }
    if (!buildkit)
      buildkitMissing = 'no buildx plugin and no CLI older than 23 with built-in BuildKit'
  }
  const v2 = await run([docker, 'compose', 'version', '--short'])
  let compose: Tools['compose']
  if (v2.code === 0) {
    compose = { argv: [docker, 'compose'], version: `Compose ${v2.out.trim()} (docker compose)` }
  } else {
    const v1 = await run(['docker-compose', 'version', '--short']).catch(() => null)
    if (v1?.code !== 0) throw new Error('no Compose: neither `docker compose` nor docker-compose')
    compose = { argv: ['docker-compose'], version: `Compose ${v1.out.trim()} (docker-compose)` }
  }
  return { docker, clientVersion, serverVersion, legacy, buildkit, buildkitMissing, compose }
}
