export * from './config/env.ts'
export * from './parser.ts'
export * from './redact.ts'
export * from './usage.ts'
