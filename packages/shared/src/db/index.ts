// @tokentap/shared/db: schema, column lists and the rollup derived from it, connection and
// migrations (exported as "./db").

export * from './client.ts'
export * from './columns.ts'
export * from './migrate.ts'
export * from './partitions.ts'
export * from './rollup.ts'
export * from './schema.ts'
export * from './sessions.ts'
