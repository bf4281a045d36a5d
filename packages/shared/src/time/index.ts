// @tokentap/shared/time: the one time-zone engine (zone.ts), local calendar boundaries
// (calendar.ts) and zoned formatting (format.ts).

export * from './calendar.ts'
export * from './format.ts'
export * from './zone.ts'
