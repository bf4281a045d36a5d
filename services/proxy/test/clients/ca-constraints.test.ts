// Finding 4 of issue 13, proved with real TLS clients: under a CA made the way tokentap makes one
// (name-constrained to the intercepted domains, every IP address excluded), a leaf for an
// intercepted host is accepted, and a leaf for a host outside the constraints — minted here with
// the CA key directly, as a thief would — is refused, as is a leaf for an IP address. Clients:
// curl (OpenSSL), Node (OpenSSL), Bun's fetch (BoringSSL), Python's ssl (OpenSSL), Codex (Rust:
// rustls + webpki, reached through a CONNECT relay as it only talks to its API hosts) and Gemini
// CLI (Node; its TLS is Node's, the run shows it end to end). Each server sees whether the client
// finished the handshake and sent a request.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CaMaterial, loadOrCreateCa } from '../../src/ca/ca-store.ts'
import { createLeafKey, mintLeafCert } from '../../src/ca/mint.ts'
import {
  type ConnectRelay,
  startConnectRelay,
  startTlsEndpoint,
  type TlsEndpoint,
} from '../helpers/tls-endpoints.ts'
import { codexBinary, geminiEntry } from './run-cli.ts'

const OPENAI = 'api.openai.com'
const GEMINI = 'generativelanguage.googleapis.com'
const OUTSIDE = 'outside.example.com'
const IP = '127.0.0.1'

interface Outcome {
  accepted: boolean
  /** The client's or the server's account of what happened. */
  detail: string
}

let dir: string
let ca: CaMaterial
let caPath: string
const endpoints = new Map<string, TlsEndpoint>()
let relay: ConnectRelay

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tt-ca-clients-'))
  ca = await loadOrCreateCa({ home: join(dir, 'home') })
  caPath = ca.certPath!
  const leaf = createLeafKey()
  for (const host of [OPENAI, GEMINI, OUTSIDE, IP]) {
    endpoints.set(
      host,
      await startTlsEndpoint(host, leaf.keyPem, mintLeafCert(ca, leaf, host, new Date())),
    )
  }
  relay = await startConnectRelay(new Map([...endpoints].map(([h, e]) => [h, e.port])))
})

afterAll(async () => {
  await relay?.close()
  for (const e of endpoints.values()) await e.close()
  rmSync(dir, { recursive: true, force: true })
})

const endpoint = (host: string): TlsEndpoint => {
  const e = endpoints.get(host)!
  e.reset()
  return e
}

async function output(argv: string[], env?: Record<string, string>) {
  const p = Bun.spawn(argv, {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ])
  return { stdout, stderr, code }
}

/** Runs a client that retries on its own until the server saw a request or a broken-off
 *  handshake and (for a refusal) the client said why, then ends it. */
async function runUntilSettled(
  argv: string[],
  env: Record<string, string>,
  server: TlsEndpoint,
  reason: RegExp,
): Promise<Outcome> {
  const p = Bun.spawn(argv, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdout: 'ignore',
    stderr: 'pipe',
    detached: true,
  })
  let stderr = ''
  let explained: () => void = () => {}
  const said = new Promise<void>((r) => {
    explained = r
  })
  const reading = (async () => {
    const decoder = new TextDecoder()
    for await (const chunk of p.stderr) {
      stderr += decoder.decode(chunk)
      if (reason.test(stderr)) explained()
    }
  })()
  const bound = (ms: number) => new Promise<'bound'>((r) => setTimeout(() => r('bound'), ms))
  try {
    const first = await Promise.race([server.settled(), p.exited.then(() => 'exited' as const)])
    if (first === 'request') return { accepted: true, detail: server.requests[0]! }
    await Promise.race([said, p.exited, bound(30_000)])
    return { accepted: false, detail: `${server.failures.join('; ')}\n${stderr}` }
  } finally {
    try {
      process.kill(-p.pid, 'SIGKILL')
    } catch {
      // already gone
    }
    await p.exited
    await reading.catch(() => {})
  }
}

type Client = (host: string) => Promise<Outcome>

const curl: Client = async (host) => {
  const { port } = endpoint(host)
  const url = `https://${host}:${port}/`
  const resolve = host === IP ? [] : ['--resolve', `${host}:${port}:127.0.0.1`]
  const r = await output(['curl', '-sS', '--max-time', '20', '--cacert', caPath, ...resolve, url])
  return { accepted: r.code === 0 && r.stdout === `ok ${host}`, detail: r.stderr || r.stdout }
}

const NODE_CLIENT = `
const tls = require('node:tls'), fs = require('node:fs')
const [port, host, ca] = process.argv.slice(1)
const ip = require('node:net').isIP(host) !== 0
const s = tls.connect({ host: '127.0.0.1', port: Number(port), ca: fs.readFileSync(ca),
  ...(ip ? {} : { servername: host }), checkServerIdentity: (_h, cert) => tls.checkServerIdentity(host, cert) })
s.on('secureConnect', () => { console.log('accepted'); s.end() })
s.on('error', (e) => console.log('refused', e.code, e.message))`

const node: Client = async (host) => {
  const r = await output(['node', '-e', NODE_CLIENT, String(endpoint(host).port), host, caPath])
  return { accepted: r.stdout.startsWith('accepted'), detail: r.stdout + r.stderr }
}

const bun: Client = async (host) => {
  const { port } = endpoint(host)
  try {
    const res = await fetch(`https://127.0.0.1:${port}/`, {
      tls: { ca: ca.certPem, ...(host === IP ? {} : { serverName: host }) },
      headers: { host },
      keepalive: false,
    })
    return { accepted: (await res.text()) === `ok ${host}`, detail: `HTTP ${res.status}` }
  } catch (e) {
    return { accepted: false, detail: `${(e as { code?: string }).code} ${(e as Error).message}` }
  }
}

const PYTHON_CLIENT = `
import socket, ssl, sys
port, host, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
with socket.create_connection(('127.0.0.1', port)) as raw:
    try:
        with ctx.wrap_socket(raw, server_hostname=host):
            print('accepted')
    except ssl.SSLCertVerificationError as e:
        print('refused', e.verify_code, e.verify_message)`

const python: Client = async (host) => {
  const r = await output([
    'python3',
    '-c',
    PYTHON_CLIENT,
    String(endpoint(host).port),
    host,
    caPath,
  ])
  return { accepted: r.stdout.startsWith('accepted'), detail: r.stdout + r.stderr }
}

const codexBin = codexBinary()
const codex: Client = (host) => {
  const home = mkdtempSync(join(dir, 'codex-'))
  // Codex talks to api.openai.com; openai_base_url sends it to the host under test instead.
  const base = host === OPENAI ? [] : ['-c', `openai_base_url="https://${host}/v1"`]
  return runUntilSettled(
    [codexBin!, 'exec', ...base, '--skip-git-repo-check', 'hi'],
    {
      HOME: home,
      CODEX_HOME: home,
      HTTPS_PROXY: relay.url,
      CODEX_CA_CERTIFICATE: caPath,
      CODEX_API_KEY: 'sk-test-codex',
    },
    endpoint(host),
    /invalid peer certificate[^\n]*/,
  )
}

const gemini: Client = (host) => {
  const home = mkdtempSync(join(dir, 'gemini-'))
  mkdirSync(join(home, '.gemini'))
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify({
      privacy: { usageStatisticsEnabled: false },
      security: { auth: { selectedType: 'gemini-api-key' } },
    }),
  )
  return runUntilSettled(
    ['node', geminiEntry()!, '-p', 'hi'],
    {
      HOME: home,
      HTTPS_PROXY: relay.url,
      NODE_EXTRA_CA_CERTS: caPath,
      GEMINI_API_KEY: 'test-gemini-key',
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      ...(host === GEMINI ? {} : { GOOGLE_GEMINI_BASE_URL: `https://${host}` }),
    },
    endpoint(host),
    /fetch failed/,
  )
}

const has = (bin: string): boolean => Bun.which(bin) !== null
const CLIENTS: {
  name: string
  run: Client
  missing: string | null
  inside: string
  /** What the client says when it refuses (null: it does not say; the server saw it). */
  refusal: RegExp | null
}[] = [
  {
    name: 'curl (OpenSSL)',
    run: curl,
    missing: has('curl') ? null : 'curl not on PATH',
    inside: OPENAI,
    refusal: /subtree violation/,
  },
  {
    name: 'Node tls.connect',
    run: node,
    missing: has('node') ? null : 'node not on PATH',
    inside: OPENAI,
    refusal: /subtree violation/,
  },
  {
    name: 'Bun fetch (BoringSSL)',
    run: bun,
    missing: null,
    inside: OPENAI,
    refusal: /PERMITTED_VIOLATION|UNSUPPORTED_CONSTRAINT_TYPE/,
  },
  {
    name: 'Python ssl',
    run: python,
    missing: has('python3') ? null : 'python3 not on PATH',
    inside: OPENAI,
    refusal: /subtree violation/,
  },
  {
    name: 'Codex CLI (rustls/webpki)',
    run: codex,
    missing: codexBin
      ? null
      : `no Codex binary for ${process.platform}-${process.arch} in node_modules`,
    inside: OPENAI,
    refusal: /NameConstraintViolation/,
  },
  {
    name: 'Gemini CLI (Node)',
    run: gemini,
    missing: !geminiEntry()
      ? '@google/gemini-cli not installed'
      : has('node')
        ? null
        : 'node not on PATH',
    inside: GEMINI,
    refusal: null,
  },
]

describe('finding 4: real clients enforce the name constraints of a tokentap CA', () => {
  for (const c of CLIENTS) {
    const title = `${c.name}: accepts ${c.inside}, refuses ${OUTSIDE} (outside the constraints) and ${IP}`
    test.skipIf(c.missing !== null)(
      c.missing ? `${title} (skipped: ${c.missing})` : title,
      async () => {
        const inside = await c.run(c.inside)
        expect({ host: c.inside, ...inside }).toMatchObject({ host: c.inside, accepted: true })
        for (const host of [OUTSIDE, IP]) {
          const refused = await c.run(host)
          expect({ host, ...refused }).toMatchObject({ host, accepted: false })
          if (c.refusal) expect(refused.detail).toMatch(c.refusal)
          // The client broke the handshake off: the server never completed one.
          expect(endpoints.get(host)!.handshakes).toBe(0)
        }
      },
      120_000,
    )
  }
})
