// @tokentap/pgserver: the embedded Postgres server as other packages may use it (the test
// databases of @tokentap/testing run through the same code as `tokentap up`): find or stage the
// binaries, init a cluster, start a postmaster, as the `postgres` OS user when root.

export { type Binaries, installedBinaries, serverBinaries } from './binaries.ts'
export { initCluster, type Postmaster, startPostmaster } from './cluster.ts'
export { PgServerError } from './diagnose.ts'
export * from './layout.ts'
export { type OsUser, serverUser } from './os-user.ts'
export { processAlive } from './pid.ts'
