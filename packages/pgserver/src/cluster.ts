// Runs the embedded Postgres binaries directly: initdb into an empty data dir, and a postmaster
// on a loopback port, ready once its postmaster.pid says so (what pg_ctl waits for; no log
// parsing, no locale dependence). As root both run as the server's OS user (`runAs`), from "/"
// and with a minimal environment. Every failure is a PgServerError: one line, cause and fix.

import { type ChildProcess, spawn } from 'node:child_process'
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeFailure, PgServerError } from './diagnose.ts'
import type { OsUser } from './os-user.ts'

/** The environment of initdb and postgres: nothing of ours (keys, URLs) leaks into them. */
function serverEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }
  if (process.env.TZ) env.TZ = process.env.TZ
  return env
}

function ids(runAs: OsUser | null): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {}
}

export interface InitOptions {
  /** Directory holding bin/initdb. */
  binDir: string
  dataDir: string
  user: string
  password: string
  auth: 'scram-sha-256' | 'password'
  runAs: OsUser | null
  /** --no-sync: for throwaway test clusters. */
  noSync?: boolean
  timeoutMs?: number
}

/** Creates a cluster in `dataDir` (missing or empty). Locale-independent: UTF-8, builtin C.UTF-8. */
export async function initCluster(o: InitOptions): Promise<void> {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 })
  if (o.runAs) chownSync(o.dataDir, o.runAs.uid, o.runAs.gid)
  const pwDir = mkdtempSync(join(tmpdir(), 'tokentap-initdb-'))
  const pwFile = join(pwDir, 'pw')
  writeFileSync(pwFile, `${o.password}\n`, { mode: 0o600 })
  if (o.runAs) {
    chownSync(pwDir, o.runAs.uid, o.runAs.gid)
    chownSync(pwFile, o.runAs.uid, o.runAs.gid)
  }
  const initdb = join(o.binDir, 'bin', 'initdb')
  const args = [
    `--pgdata=${o.dataDir}`,
    `--auth=${o.auth}`,
    `--username=${o.user}`,
    `--pwfile=${pwFile}`,
    '--encoding=UTF8',
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    ...(o.noSync ? ['--no-sync'] : []),
  ]
  try {
    const { code, output, error } = await runToEnd(initdb, args, o.runAs, o.timeoutMs ?? 120_000)
    if (error) throw new PgServerError(`cannot run ${initdb} (${error}); run \`bun install\` again`)
    if (code !== 0) {
      throw new PgServerError(
        describeFailure(`initdb could not create ${o.dataDir}`, output, o.dataDir),
      )
    }
  } finally {
    rmSync(pwDir, { recursive: true, force: true })
  }
}

function runToEnd(
  file: string,
  args: string[],
  runAs: OsUser | null,
  timeoutMs: number,
): Promise<{ code: number | null; output: string; error: string | null }> {
  return new Promise((resolve) => {
    let output = ''
    let error: string | null = null
    const child = spawn(file, args, {
      ...ids(runAs),
      cwd: '/',
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (b: Buffer): void => {
      output = (output + b.toString()).slice(-16_384)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    const timer = setTimeout(() => {
      error = `no result after ${Math.round(timeoutMs / 1000)} s`
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output, error })
    })
  })
}

export interface ServerOptions {
  binDir: string
  dataDir: string
  port: number
  /** `-c name=value` settings. */
  settings: Record<string, string>
  runAs: OsUser | null
  /** The server's own output (truncated at each start). */
  logFile: string
  /** Own session (setsid): a terminal's Ctrl-C then reaches only the parent. */
  detached: boolean
  readyTimeoutMs?: number
}

export interface Postmaster {
  pid: number
  running(): boolean
  /** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it lingers; resolves once gone. */
  stop(): Promise<void>
}

/** postmaster.pid line 8 is "ready" once connections are accepted (PM_STATUS_READY). */
function ready(dataDir: string, pid: number): boolean {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')
    return lines[0] === String(pid) && lines[7]?.trim() === 'ready'
  } catch {
    return false
  }
}

function waitExit(child: ChildProcess, exited: () => boolean, ms: number): Promise<boolean> {
  if (exited()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(exited()), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/** Starts a postmaster and resolves once it accepts connections. */
export async function startPostmaster(o: ServerOptions): Promise<Postmaster> {
  const postgres = join(o.binDir, 'bin', 'postgres')
  const fd = openSync(o.logFile, 'w', 0o600)
  const args = ['-D', o.dataDir, '-p', String(o.port)]
  for (const [k, v] of Object.entries(o.settings)) args.push('-c', `${k}=${v}`)
  let child: ChildProcess
  try {
    child = spawn(postgres, args, {
      ...ids(o.runAs),
      cwd: '/',
      env: serverEnv(),
      detached: o.detached,
      stdio: ['ignore', fd, fd],
    })
  } finally {
    closeSync(fd)
  }
  let exited = false
  let spawnError: string | null = null
  child.on('exit', () => {
    exited = true
  })
  child.on('error', (e: NodeJS.ErrnoException) => {
    spawnError ??= e.code ?? e.message
    exited = true
  })
  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return
    child.kill('SIGINT')
    if (await waitExit(child, () => exited, 15_000)) return
    child.kill('SIGQUIT')
    if (await waitExit(child, () => exited, 5_000)) return
    child.kill('SIGKILL')
    await waitExit(child, () => exited, 5_000)
  }
  const log = (): string => (existsSync(o.logFile) ? readFileSync(o.logFile, 'utf8') : '')
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000)
  let pid: number | undefined
  while (pid === undefined) {
    if (spawnError) {
      throw new PgServerError(
        `cannot run ${postgres} (${spawnError}); run \`bun install\` again, or set DATABASE_URL`,
      )
    }
    if (exited) {
      throw new PgServerError(
        describeFailure('Postgres stopped during start-up', log(), o.dataDir, o.logFile),
      )
    }
    if (child.pid !== undefined && ready(o.dataDir, child.pid)) {
      pid = child.pid
      break
    }
    if (Date.now() > deadline) {
      await stop()
      throw new PgServerError(
        `Postgres did not accept connections within ${Math.round((o.readyTimeoutMs ?? 60_000) / 1000)} s; ` +
          `see ${o.logFile}, or set DATABASE_URL`,
      )
    }
    await Bun.sleep(20)
  }
  return { pid, running: () => !exited, stop }
}
