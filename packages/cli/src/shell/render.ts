// Renders variables for a shell to evaluate (bash/zsh/sh, fish) or as a dotenv file (pure).

import type { Vars } from './vars.ts'

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

export function posixQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`
}

/** fish single quotes: only \\ and \' are escapes. */
export function fishQuote(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

export function dotenvQuote(v: string): string {
  if (/^[A-Za-z0-9_./:@+,%=-]*$/.test(v)) return v
  if (!v.includes("'") && !v.includes('\n')) return `'${v}'`
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`
}

export function renderShell(shell: Shell, vars: Vars): string {
  const line =
    shell === 'fish'
      ? ([k, v]: [string, string]) => `set -gx ${k} ${fishQuote(v)};`
      : ([k, v]: [string, string]) => `export ${k}=${posixQuote(v)};`
  return vars.map((kv) => `${line(kv)}\n`).join('')
}

export function renderDotenv(vars: Vars): string {
  return vars.map(([k, v]) => `${k}=${dotenvQuote(v)}\n`).join('')
}

/** From --shell, else $SHELL's basename; null when neither names a shell we know. */
export function detectShell(flag: string | undefined, shellEnv: string | undefined): Shell | null {
  const name = flag ?? shellEnv?.split('/').pop()
  return SHELLS.find((s) => s === name) ?? null
}
