// @tokentap/shared/accounts: rate-limit and subscription windows per account (issue 16).
export * from './levels.ts'
export * from './read.ts'
export * from './types.ts'
