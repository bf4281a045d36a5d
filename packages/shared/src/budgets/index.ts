// @tokentap/shared/budgets: budget config, windows and spend queries.

export * from './types.ts'
