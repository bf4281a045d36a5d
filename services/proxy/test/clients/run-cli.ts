// Runs a real CLI (Claude Code, Codex, Gemini CLI) as a child process with a minimal, explicit
// environment (no inherited keys or proxies), bounded by a timeout that kills the whole run.
// Also finds each client's platform binary in node_modules.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const REPO_ROOT = join(import.meta.dir, '..', '..', '..', '..')
const BUN_STORE = join(REPO_ROOT, 'node_modules', '.bun')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/**
 * `sub` (a path under node_modules) in the hoisted layout, else in a Bun store entry named
 * `<prefix>…<suffix>`; null when none exists.
 */
function installed(sub: string, store?: { prefix: string; suffix?: string }): string | null {
  const hoisted = join(REPO_ROOT, 'node_modules', sub)
  if (existsSync(hoisted)) return hoisted
  if (!store || !existsSync(BUN_STORE)) return null
  for (const entry of readdirSync(BUN_STORE).sort().reverse()) {
    if (!entry.startsWith(store.prefix) || !entry.endsWith(store.suffix ?? '')) continue
    const path = join(BUN_STORE, entry, 'node_modules', sub)
    if (existsSync(path)) return path
  }
  return null
}

const platform = `${process.platform}-${process.arch}`
/** Codex's vendor directory per platform (Rust target triple). */
const CODEX_TRIPLE: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
}

/**
 * Claude Code's native binary from its platform package. The wrapper's bin/claude.exe is a
 * placeholder until its postinstall (not trusted here) copies the binary over it.
 */
export function claudeBinary(): string | null {
  const pkg = `@anthropic-ai/claude-code-${platform}`
  return installed(`${pkg}/claude`, { prefix: `@anthropic-ai+claude-code-${platform}@` })
}

/** Codex's native binary from its platform package (npm alias `@openai/codex@<v>-<platform>`). */
export function codexBinary(): string | null {
  const triple = CODEX_TRIPLE[platform]
  if (!triple) return null
  const inPkg = `vendor/${triple}/bin/codex`
  return (
    installed(`@openai/codex-${platform}/${inPkg}`) ??
    installed(`@openai/codex/${inPkg}`, { prefix: '@openai+codex@', suffix: `-${platform}` })
  )
}

/** Gemini CLI's bundled entry (plain Node). */
export function geminiEntry(): string | null {
  const path = join(REPO_ROOT, 'node_modules/@google/gemini-cli/bundle/gemini.js')
  return existsSync(path) ? path : null
}

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/**
 * A CA file trusting the proxy's CA (what a user installs) and the mock upstream's CA. The second
 * only matters for hosts the proxy tunnels blind (api.github.com, play.googleapis.com, …): their
 * TLS reaches the mock directly, so the test can see that those calls happened and went unrecorded.
 */
export function trustBundle(dir: string, proxyCaPath: string, upstreamCaPath: string): string {
  const path = join(dir, 'trust-bundle.pem')
  writeFileSync(path, readFileSync(proxyCaPath, 'utf8') + readFileSync(upstreamCaPath, 'utf8'))
  return path
}

export async function runCli(
  argv: string[],
  opts: { env: Record<string, string>; cwd: string; timeoutMs: number; stdin?: string },
): Promise<CliRun> {
  const p = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
    stdin: opts.stdin === undefined ? 'ignore' : new TextEncoder().encode(opts.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
    // Own process group, so a timeout also ends what the client spawned (git, sandboxes).
    detached: true,
  })
  const killGroup = () => {
    try {
      process.kill(-p.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup()
  }, opts.timeoutMs)
  const stdout = new Response(p.stdout).text()
  const stderr = new Response(p.stderr).text()
  const code = await p.exited
  clearTimeout(timer)
  // Leftover children would hold the pipes open: end the group once the client is done.
  killGroup()
  return { code: timedOut ? null : code, stdout: await stdout, stderr: await stderr, timedOut }
}

/** A readable failure message: exit code, timeout, and both streams (tail). */
export function describeRun(name: string, run: CliRun): string {
  const tail = (s: string) => (s.length > 6000 ? `…${s.slice(-6000)}` : s)
  return [
    `${name} exited ${run.code}${run.timedOut ? ' (killed on timeout)' : ''}`,
    `--- stdout ---\n${tail(run.stdout)}`,
    `--- stderr ---\n${tail(run.stderr)}`,
  ].join('\n')
}
