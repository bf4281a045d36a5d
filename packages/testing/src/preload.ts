// bun test preload (bunfig.toml): after the whole run, stop the embedded test Postgres if a
// test started one. Imports nothing heavy, so test runs that never touch a database pay nothing.

import { afterAll } from 'bun:test'

afterAll(async () => {
  const shutdown = (globalThis as Record<symbol, unknown>)[Symbol.for('tokentap.test-db.shutdown')]
  if (typeof shutdown === 'function') await (shutdown as () => Promise<void>)()
})
