// @tokentap/shared/db: schema, connection and migrations (exported as "./db").

export * from './client.ts'
export * from './migrate.ts'
export * from './schema.ts'
