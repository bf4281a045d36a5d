// @tokentap/proxy: the proxy as other packages run it. `tokentap up` and the benchmarks start it
// in-process (startProxyApp with loadProxyConfig's config and a logger; the bench's --workers=N
// through startSupervisor, as `bun run proxy` does with PROXY_WORKERS); bench:ingest drives the
// Postgres batch writer alone; deployment tests write PROXY_USERS files (hashProxyToken). The CA
// surface is @tokentap/proxy/ca (light: `tokentap ca` loads it without the proxy), test doubles
// are @tokentap/proxy/testing (tests only).

export { type ProxyApp, startProxyApp } from './app.ts'
export { loadProxyConfig, type ProxyConfig } from './config.ts'
export { hashProxyToken } from './identity/users.ts'
export { createLogger, type Logger, silentLogger } from './log.ts'
export type { WriteMethod } from './sink/pg-write.ts'
export { createPostgresSink } from './sink/postgres.ts'
export { type Supervisor, startSupervisor } from './workers/supervisor.ts'
