// @tokentap/shared/budgets: budget config, windows and spend queries. formatLocal lives in
// @tokentap/shared/time; it is re-exported here, where the proxy's alert messages import it.

export { formatLocal } from '../time/format.ts'
export * from './blocked.ts'
export * from './config.ts'
export * from './spend.ts'
export * from './types.ts'
export * from './watch.ts'
export * from './window.ts'
