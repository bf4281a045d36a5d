// How to invoke this CLI again from a shell rc file or a service unit: the running Bun binary
// and this checkout's main.ts, absolute, so neither PATH nor the current directory matters.

import { resolve } from 'node:path'

export const MAIN = resolve(import.meta.dir, '..', 'main.ts')

export function selfArgv(): [bun: string, main: string] {
  return [process.execPath, MAIN]
}
