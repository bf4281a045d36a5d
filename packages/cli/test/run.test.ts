// env and run as a user meets them: dotenv lines with the project, the marked block in a
// .env file, the command's environment and exit code, signals forwarded, a clear failure with
// no proxy, and one command routed through a real proxy with USER+PROJECT recorded and the
// combined bundle trusted by curl.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Harness,
  type MockUpstream,
  startMockUpstream,
  startProxy,
} from '@tokentap/proxy/testing'
import { testContext } from '../src/cli/testing/context.ts'
import { main } from '../src/main.ts'
import { BEGIN } from '../src/rc/block.ts'
import { type CliFixture, cliFixture, MAIN, sh } from './fixture.ts'

let f: CliFixture
let root: string
let ttHome: string
let proxyPort: number
let deadPort: number

beforeAll(async () => {
  f = await cliFixture()
  ;({ root, ttHome, proxyPort, deadPort } = f)
})
afterAll(() => f.stop())

const baseEnv = (extra: Record<string, string> = {}) => f.env(extra)

describe('env', () => {
  test('dotenv lines with the project; -o keeps other lines and one block', async () => {
    const ctx = testContext(baseEnv())
    expect(await main(['env', '--project', 'billing'], ctx)).toBe(0)
    const text = ctx.output()
    expect(text).toContain(`HTTPS_PROXY="http://o'brien%20x+billing@127.0.0.1:${proxyPort}"\n`)
    expect(text).toContain('NO_PROXY=localhost,127.0.0.1,::1,corp.example\n')
    expect(text).toContain(
      `SSL_CERT_FILE="${join(ttHome, 'ca', 'bundle.pem').replace(/\$/g, '\\$')}"\n`,
    )

    const file = join(root, 'project.env')
    writeFileSync(file, 'OTHER=1\n')
    for (let i = 0; i < 2; i++) {
      expect(await main(['env', '-o', file, '--project', 'billing'], testContext(baseEnv()))).toBe(
        0,
      )
    }
    const written = readFileSync(file, 'utf8')
    expect(written.startsWith('OTHER=1\n# >>> tokentap >>>\n')).toBe(true)
    expect(written.split(BEGIN).length - 1).toBe(1)
    expect(written).toContain('+billing@127.0.0.1')
  })
})

describe('run', () => {
  test('passes the variables and the project; exits with the command’s code', async () => {
    const r = await sh(
      [
        process.execPath,
        MAIN,
        'run',
        '--project',
        'billing',
        '--',
        'sh',
        '-c',
        'printf "%s|%s|%s" "$HTTPS_PROXY" "$CURL_CA_BUNDLE" "$OTHER"; exit 7',
      ],
      baseEnv({ OTHER: 'kept' }),
    )
    expect(r.code).toBe(7)
    expect(r.stdout).toBe(
      `http://o'brien%20x+billing@127.0.0.1:${proxyPort}|${join(ttHome, 'ca', 'bundle.pem')}|kept`,
    )
  }, 30_000)

  test('a signal to tokentap reaches the command', async () => {
    const p = Bun.spawn(
      [
        process.execPath,
        MAIN,
        'run',
        'sh',
        '-c',
        'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done',
      ],
      { env: baseEnv(), stdout: 'pipe', stderr: 'pipe' },
    )
    const reader = (p.stdout as ReadableStream<Uint8Array>).getReader()
    let text = ''
    while (!text.includes('ready')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    p.kill('SIGTERM')
    expect(await p.exited).toBe(42)
  }, 30_000)

  test('no proxy running: exit 1 with a message, the command does not run', async () => {
    const marker = join(root, 'ran')
    const r = await sh(
      [process.execPath, MAIN, 'run', '--', 'touch', marker],
      baseEnv({ PROXY_PORT: String(deadPort) }),
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`no proxy is running at http://127.0.0.1:${deadPort}`)
    expect(existsSync(marker)).toBe(false)
  }, 30_000)

  test('no command: usage error', async () => {
    const ctx = testContext(baseEnv())
    expect(await main(['run', '--project', 'x'], ctx)).toBe(2)
  })
})

describe('run through a real proxy', () => {
  let mock: MockUpstream
  let proxy: Harness
  beforeAll(async () => {
    mock = await startMockUpstream()
    mock.on('api.anthropic.com', 'POST /v1/messages', () =>
      Response.json({
        id: 'msg_run',
        model: 'claude-haiku-4-5',
        usage: { input_tokens: 3, output_tokens: 1 },
      }),
    )
    proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  })
  afterAll(async () => {
    await proxy.stop()
    await mock.stop()
  })

  test('curl trusts the combined bundle; the record carries USER and PROJECT', async () => {
    const env = baseEnv({
      TOKENTAP_HOME: proxy.home,
      PROXY_PORT: proxy.proxyUrl.split(':').pop()!,
      TOKENTAP_USER: 'bob',
    })
    const r = await sh(
      [
        process.execPath,
        MAIN,
        'run',
        '--project',
        'billing',
        '--',
        'curl',
        '-sS',
        '-H',
        'content-type: application/json',
        '-d',
        '{"model":"claude-haiku-4-5","max_tokens":4,"messages":[]}',
        'https://api.anthropic.com/v1/messages',
      ],
      env,
    )
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'msg_run' })
    const rec = await proxy.sink.recordAfter(0)
    expect(rec).toMatchObject({ user: 'bob', project: 'billing', inputTokens: 3 })
  }, 30_000)
})
