// A small argv parser: long flags (--name, --name=value, --name value), short aliases, `--`
// ending flag parsing (what follows is kept verbatim in `rest`). Unknown flags are usage errors.

export class UsageError extends Error {
  override name = 'UsageError'
}

export interface FlagSpec {
  type: 'boolean' | 'string'
  short?: string
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>
  positionals: string[]
  /** Everything after `--`. */
  rest: string[]
}

/** With `stopAtPositional`, the first positional and all after it go to `rest` (`run CMD …`). */
export function parseArgs(
  argv: readonly string[],
  spec: Record<string, FlagSpec>,
  opts: { stopAtPositional?: boolean } = {},
): ParsedArgs {
  const all: Record<string, FlagSpec> = { help: { type: 'boolean', short: 'h' }, ...spec }
  const byShort = new Map(
    Object.entries(all).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])),
  )
  const flags: ParsedArgs['flags'] = {}
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') return { flags, positionals, rest: argv.slice(i + 1) }
    let name: string | undefined
    let inline: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq < 0 ? undefined : arg.slice(eq + 1)
    } else if (/^-[a-zA-Z]$/.test(arg)) {
      name = byShort.get(arg.slice(1))
      if (name === undefined) throw new UsageError(`unknown option ${arg}`)
    } else {
      if (opts.stopAtPositional) return { flags, positionals, rest: argv.slice(i) }
      positionals.push(arg)
      continue
    }
    const s = all[name]
    if (!s) throw new UsageError(`unknown option --${name}`)
    if (s.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      flags[name] = true
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || (inline === undefined && value.startsWith('-') && value !== '-')) {
      throw new UsageError(`--${name} needs a value`)
    }
    flags[name] = value
  }
  return { flags, positionals, rest: [] }
}

export function stringFlag(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags[name]
  return typeof v === 'string' ? v : undefined
}

export function boolFlag(a: ParsedArgs, name: string): boolean {
  return a.flags[name] === true
}

/** Rejects positionals beyond the `max` a command takes. */
export function noExtraPositionals(a: ParsedArgs, max = 0): void {
  if (a.positionals.length > max) {
    throw new UsageError(`unexpected argument ${a.positionals[max]}`)
  }
}
