// Finds environment variables: read by TypeScript sources, referenced by a compose file, and
// documented in .env.example. Pure over text, plus one directory walk (sourceFiles).

import { Glob } from 'bun'

const NAME = '[A-Z][A-Z0-9_]*'

/** How sources read a variable: readX(env, 'NAME'…), process.env.NAME, env['NAME'],
 *  new ConfigError('NAME', …) and constants such as USERS_VARIABLE = 'NAME'. */
const READ_PATTERNS = [
  new RegExp(`\\(\\s*(?:process\\.)?env\\s*,\\s*['"](${NAME})['"]`, 'g'),
  new RegExp(`\\b(?:process\\.)?env\\.(${NAME})\\b`, 'g'),
  new RegExp(`\\b(?:process\\.)?env\\[\\s*['"](${NAME})['"]\\s*\\]`, 'g'),
  new RegExp(`\\bConfigError\\(\\s*['"](${NAME})['"]`, 'g'),
  new RegExp(`\\b[A-Z_]*VARIABLE\\s*=\\s*['"](${NAME})['"]`, 'g'),
]

export function envReadsIn(source: string): string[] {
  const found = new Set<string>()
  for (const re of READ_PATTERNS) {
    for (const m of source.matchAll(re)) if (m[1]) found.add(m[1])
  }
  return [...found].sort()
}

/** `${NAME}`, `${NAME:-x}`, `${NAME:?msg}` in a compose file; `$${NAME}` is the container's. */
export function composeVariables(compose: string): string[] {
  const found = new Set<string>()
  for (const m of compose.matchAll(new RegExp(`(?<!\\$)\\$\\{(${NAME})`, 'g'))) {
    if (m[1]) found.add(m[1])
  }
  return [...found].sort()
}

export interface Documented {
  name: string
  /** 1-based line of the (possibly commented-out) assignment. */
  line: number
  /** The default shown: `NAME=value` or `# NAME=value`. */
  value: string
  /** A comment line (not itself an assignment) precedes the assignment's block. */
  explained: boolean
}

const ASSIGNMENT = new RegExp(`^#?\\s*(${NAME})=(.*)$`)

/** Variables of an .env.example: `NAME=value` (set) or `# NAME=value` (the default). Several
 *  assignments in a row share the comment above them. */
export function documentedVariables(envExample: string): Documented[] {
  const out: Documented[] = []
  let explained = false
  envExample.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    const m = ASSIGNMENT.exec(line)
    if (m?.[1] !== undefined) {
      out.push({ name: m[1], line: i + 1, value: m[2] ?? '', explained })
    } else if (line.startsWith('#') && /[a-z]/.test(line)) {
      explained = true
    } else if (line === '') {
      explained = false
    }
  })
  return out
}

/** Non-test TypeScript files under `dirs` (relative to root), without test support (testing/). */
export function sourceFiles(root: string, dirs: string[]): string[] {
  const files: string[] = []
  for (const dir of dirs) {
    for (const f of new Glob(`${dir}/**/*.ts`).scanSync({ cwd: root })) {
      if (/\.test\.ts$|\/(testing|node_modules)\//.test(f)) continue
      files.push(f)
    }
  }
  return files.sort()
}
