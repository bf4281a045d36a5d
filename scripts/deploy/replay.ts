// Replays a Dockerfile's build stage on this machine (no Docker engine): WORKDIR and COPY from
// the context as Docker would, and every `sh scripts/image-steps.sh …` of a RUN, with the image's
// absolute paths mapped to temporary directories. Other RUN commands (mkdir/chmod of image
// directories) are left out; the ENV of the final stage is returned for the run.

import { cpSync, mkdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { commandWords, copyParts, type Stage } from './dockerfile.ts'

export interface ReplayOptions {
  context: string
  /** Image path → local directory, e.g. { '/build': tmp/build, '/app': tmp/app }. */
  paths: Record<string, string>
  env: Record<string, string>
  /** Called with each step's output (stdout + stderr) for diagnostics. */
  onOutput?: (text: string) => void
}

export function mapPath(path: string, paths: Record<string, string>): string {
  for (const [image, local] of Object.entries(paths)) {
    if (path === image || path.startsWith(`${image}/`)) return local + path.slice(image.length)
  }
  throw new Error(`no local directory for image path ${path}`)
}

/** Runs the build stage; returns the image-steps.sh invocations it ran (mapped). */
export function replayBuildStage(stage: Stage, opts: ReplayOptions): string[][] {
  let workdir: string | null = null
  const ran: string[][] = []
  const here = (): string => {
    if (!workdir) throw new Error('COPY or RUN before WORKDIR')
    return workdir
  }
  for (const ins of stage.instructions) {
    if (ins.op === 'WORKDIR') {
      workdir = mapPath(ins.args.trim(), opts.paths)
      mkdirSync(workdir, { recursive: true })
    } else if (ins.op === 'COPY') {
      const { flags, sources, dest } = copyParts(ins.args)
      if (flags.from) throw new Error(`line ${ins.line}: COPY --from in a build stage`)
      const target = dest.startsWith('/') ? mapPath(dest, opts.paths) : join(here(), dest)
      for (const src of sources) {
        const from = join(opts.context, src)
        const isDir = statSync(from).isDirectory()
        // Docker: a directory's contents go to dest; a file goes into dest/ or becomes dest.
        const to =
          isDir || !(dest.endsWith('/') || sources.length > 1)
            ? target
            : join(target, basename(src))
        cpSync(from, to, { recursive: true })
      }
    } else if (ins.op === 'RUN') {
      // RUN flags (--mount=type=cache,…) only matter to BuildKit.
      const command = ins.args.replace(/^(\s*--\S+)+\s*/, '')
      for (const part of command.split('&&').map((s) => s.trim())) {
        const words = commandWords(part)
        if (words[0] !== 'sh' || !words[1]?.endsWith('image-steps.sh')) continue
        const argv = words.map((w) => (w.startsWith('/') ? mapPath(w, opts.paths) : w))
        const r = Bun.spawnSync(argv, {
          cwd: here(),
          env: opts.env,
          stdout: 'pipe',
          stderr: 'pipe',
        })
        opts.onOutput?.(`$ ${argv.join(' ')}\n${r.stdout.toString()}${r.stderr.toString()}`)
        if (r.exitCode !== 0) {
          throw new Error(`line ${ins.line}: ${part} exited ${r.exitCode}\n${r.stderr.toString()}`)
        }
        ran.push(argv)
      }
    }
  }
  return ran
}

/** The ENV of a stage (KEY=value pairs, later ones win). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const ins of stage.instructions) {
    if (ins.op !== 'ENV') continue
    for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      if (m[1]) env[m[1]] = (m[2] ?? '').replace(/^"|"$/g, '')
    }
  }
  return env
}
