// @tokentap/shared/api: the dashboard's JSON API contract (figures, rows, filters, the body of
// each route) and the formatters its figures read with, shared by the dashboard that answers and
// the CLI (`tokentap top`, `tokentap status`) that reads. Pure: no IO.

export * from './format.ts'
export * from './responses.ts'
export * from './sessions.ts'
export * from './types.ts'
