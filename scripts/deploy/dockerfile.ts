// A small Dockerfile reader for the deploy tests: instructions grouped by stage, continuation
// lines joined, comments dropped, exec-form (JSON array) arguments decoded, global ARG defaults
// substituted into FROM.

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN, … */
  op: string
  /** Everything after the keyword, continuation lines joined by a space. */
  args: string
  line: number
}

export interface Stage {
  /** The FROM image, global ARG defaults substituted (`${BUN_IMAGE}` → oven/bun:…). */
  image: string
  /** The FROM image as written. */
  from: string
  name: string | null
  instructions: Instruction[]
}

export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = []
  let pending: { text: string; line: number } | null = null
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (pending === null && (line === '' || line.startsWith('#'))) return
    if (pending !== null && line.startsWith('#')) return
    const body = line.endsWith('\\') ? line.slice(0, -1).trim() : line
    pending = pending
      ? { text: `${pending.text} ${body}`, line: pending.line }
      : { text: body, line: i + 1 }
    if (line.endsWith('\\')) return
    const m = /^(\S+)\s*(.*)$/.exec(pending.text)
    if (m?.[1]) instructions.push({ op: m[1].toUpperCase(), args: m[2] ?? '', line: pending.line })
    pending = null
  })
  const stages: Stage[] = []
  const globals: Record<string, string> = {}
  for (const ins of instructions) {
    if (ins.op === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = ins.args.trim().split(/=(.*)/s)
      globals[name] = value.replace(/^"(.*)"$/, '$1')
    } else if (ins.op === 'FROM') {
      const [from = '', as, name] = ins.args.split(/\s+/)
      stages.push({
        image: from.replace(
          /\$\{(\w+)\}|\$(\w+)/g,
          (_: string, a?: string, b?: string) => globals[a ?? b ?? ''] ?? '',
        ),
        from,
        name: as?.toUpperCase() === 'AS' && name ? name : null,
        instructions: [],
      })
    } else {
      const stage = stages.at(-1)
      if (!stage) throw new Error(`line ${ins.line}: ${ins.op} before FROM`)
      stage.instructions.push(ins)
    }
  }
  return stages
}

/** Exec form `["a", "b"]` decoded; shell form split on spaces. */
export function commandWords(args: string): string[] {
  const trimmed = args.trim()
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed)
    if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed
    throw new Error(`not a JSON array of strings: ${args}`)
  }
  return trimmed.split(/\s+/).filter((w) => w !== '')
}

/** A COPY's flags (--from=build, --chown=…), sources and destination. */
export function copyParts(args: string): {
  flags: Record<string, string>
  sources: string[]
  dest: string
} {
  const words = commandWords(args)
  const flags: Record<string, string> = {}
  while (words[0]?.startsWith('--')) {
    const [k = '', v = ''] = (words.shift() ?? '').slice(2).split('=')
    flags[k] = v
  }
  const dest = words.pop() ?? ''
  return { flags, sources: words, dest }
}
