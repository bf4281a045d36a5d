// @tokentap/shared/budgets: budget config, windows and spend queries.

export * from './config.ts'
export * from './spend.ts'
export * from './types.ts'
export * from './watch.ts'
export * from './window.ts'
