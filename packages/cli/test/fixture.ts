// Shared set-up for the CLI's process-level tests: a temp HOME and TOKENTAP_HOME (with quotes
// and spaces in its path) holding a real CA, a loopback listener standing in for the proxy, a
// port known to be closed, and a way to run a process and collect its output.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureCa } from '../src/commands/ca.ts'

export const MAIN = join(import.meta.dir, '..', 'src', 'main.ts')
/** This CLI as a shell command line. */
export const CLI = `'${process.execPath}' '${MAIN}'`

export interface CliFixture {
  root: string
  home: string
  ttHome: string
  proxyPort: number
  deadPort: number
  /** The environment a user's shell would have; USER is "o'brien x" (via TOKENTAP_USER). */
  env(extra?: Record<string, string>): Record<string, string>
  /** The proxy URL shell-init prints for that user. */
  proxyUrl(project?: string): string
  stop(): Promise<void>
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((c) => c.destroy())
    s.listen(0, '127.0.0.1', () => resolve(s))
  })
}
const portOf = (s: Server): number => (s.address() as { port: number }).port

export async function cliFixture(): Promise<CliFixture> {
  const root = mkdtempSync(join(tmpdir(), 'tt-cli-'))
  const home = join(root, 'home')
  const ttHome = join(root, `tt home 'q' $x`)
  mkdirSync(home, { recursive: true })
  await ensureCa({ TOKENTAP_HOME: ttHome })
  const fakeProxy = await listen()
  const closed = await listen()
  const deadPort = portOf(closed)
  await new Promise((r) => closed.close(r))
  const proxyPort = portOf(fakeProxy)
  return {
    root,
    home,
    ttHome,
    proxyPort,
    deadPort,
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      TOKENTAP_HOME: ttHome,
      PROXY_PORT: String(proxyPort),
      USER: 'alice',
      TOKENTAP_USER: "o'brien x",
      NO_PROXY: 'corp.example',
      ...extra,
    }),
    proxyUrl: (project) =>
      `http://o'brien%20x${project ? `+${project}` : ''}@127.0.0.1:${proxyPort}`,
    async stop() {
      await new Promise((r) => fakeProxy.close(r))
      rmSync(root, { recursive: true, force: true })
    },
  }
}

export async function sh(argv: string[], env: Record<string, string>) {
  const p = Bun.spawn(argv, { env, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ])
  return { stdout, stderr, code }
}
