// `bun run dashboard` as a process: serves with a key over a real Postgres, watches the budgets
// file, streams SSE, and exits 0 on SIGTERM even with a stream open.

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, type TestDatabase, testDatabase } from '@tokentap/testing'

const KEY = 'main-test-key-0123456789abcdef'
let db: TestDatabase
let dir: string

beforeAll(async () => {
  db = await testDatabase()
  dir = mkdtempSync(join(tmpdir(), 'tokentap-dash-'))
}, 60_000)
afterAll(async () => {
  await db?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const budgets = (limit: number): string =>
  JSON.stringify({ budgets: [{ name: 'team', period: 'day', limitUsd: limit }] })

test('serves, reloads budgets, SIGTERM exits 0 with an SSE stream open', async () => {
  const budgetsPath = join(dir, 'budgets.json')
  writeFileSync(budgetsPath, budgets(10))
  const port = await freePort()
  const proc = Bun.spawn(['bun', 'run', `${import.meta.dir}/../src/main.ts`], {
    env: {
      ...process.env,
      DASHBOARD_HOST: '127.0.0.1',
      DASHBOARD_PORT: String(port),
      DASHBOARD_API_KEY: KEY,
      DATABASE_URL: db.url,
      TOKENTAP_BUDGETS: budgetsPath,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const base = `http://127.0.0.1:${port}`
  const auth = { authorization: `Bearer ${KEY}` }
  try {
    let up = false
    for (let i = 0; i < 200 && !up; i++) {
      up = await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (!up) await Bun.sleep(50)
    }
    expect(up).toBe(true)
    expect((await fetch(`${base}/api/summary`)).status).toBe(401)
    const limitNow = async (): Promise<number> => {
      const r = await fetch(`${base}/api/budgets`, { headers: auth })
      const body = (await r.json()) as { budgets: Array<{ budget: { limitUsd: number } }> }
      return body.budgets[0]?.budget.limitUsd ?? -1
    }
    expect(await limitNow()).toBe(10)
    writeFileSync(budgetsPath, budgets(25))
    let limit = 10
    for (let i = 0; i < 200 && limit !== 25; i++) {
      await Bun.sleep(50)
      limit = await limitNow()
    }
    expect(limit).toBe(25)
    const stream = await fetch(`${base}/api/stream`, { headers: auth })
    expect(stream.headers.get('content-type')).toStartWith('text/event-stream')
    const reader = stream.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(first).toStartWith('retry: ')
    proc.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
  } finally {
    proc.kill('SIGKILL')
  }
}, 60_000)
