// @tokentap/testing: test support shared by every package, never shipped (no image installs
// it). Test databases: one real Postgres per test run (embedded through @tokentap/cli/pgserver,
// or TEST_DATABASE_URL), a fresh migrated database per testDatabase() call; preload.ts (bunfig.toml)
// stops it after the run. Synthetic usage records and a batch whose rollup is counted by hand.
// Copies of the checkout.

export { copyFiles, repositoryFiles } from './checkout.ts'
export { type EmbeddedServer, freePort, startEmbeddedServer } from './db/embedded.ts'
export { insertRecords } from './db/insert.ts'
export { makeRecords, type RecordOptions } from './db/records.ts'
export {
  canControlServer,
  serverUrl,
  startServer,
  stopServer,
  type TestDatabase,
  testDatabase,
} from './db/test-database.ts'
export {
  figures,
  type RollupFigures,
  readRollup,
  VARIED_ROLLUP,
  variedRecords,
} from './db/varied.ts'
export { zeroTotals } from './totals.ts'
