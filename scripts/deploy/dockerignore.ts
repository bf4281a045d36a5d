// .dockerignore as the classic builders apply it: the legacy builder and the BuildKit of Docker
// 20.10 (moby/moby#30018). A pattern matches a path, or the leading directories of the path
// with as many components as the pattern has; the last matching pattern wins; `!pattern`
// re-includes. The walk does not enter an excluded directory unless the text of some `!`
// pattern starts with that directory's path plus `/` — a wildcard in a directory component of an
// exception (`!services/*/src`) does not count, so everything under that directory is left out.
// Newer builders (Docker 23+, buildx) enter such directories; a context that holds what the
// Dockerfiles need under these rules holds it under theirs too.

interface Rule {
  exclusion: boolean
  /** The cleaned pattern, without `!`. */
  text: string
  dirs: number
  re: RegExp
}

/** Pattern → RegExp as moby's fileutils compiles it (`**` spans directories, `*` and `?` do
 *  not, `\` escapes). */
export function patternRegExp(pattern: string): RegExp {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? ''
    if (ch === '*' && pattern[i + 1] === '*') {
      i++
      if (pattern[i + 1] === '/') i++
      re += i + 1 >= pattern.length ? '.*' : '(.*/)?'
    } else if (ch === '*') {
      re += '[^/]*'
    } else if (ch === '?') {
      re += '[^/]'
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++
      re += (pattern[i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else {
      re += ch.replace(/[.+^${}()|\\/]/g, '\\$&')
    }
  }
  return new RegExp(`${re}$`)
}

/** path.Clean for relative slash paths: no empty, `.` or trailing components. */
function clean(path: string): string {
  const out: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop()
    else out.push(part)
  }
  return out.join('/') || '.'
}

export function parseDockerignore(text: string): Rule[] {
  const rules: Rule[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const exclusion = line.startsWith('!')
    const body = (exclusion ? line.slice(1).trim() : line).replace(/^\/+/, '')
    const cleaned = clean(body)
    rules.push({
      exclusion,
      text: cleaned,
      dirs: cleaned.split('/').length,
      re: patternRegExp(cleaned),
    })
  }
  return rules
}

/** Whether the rules exclude `path` (moby fileutils PatternMatcher.Matches). */
export function excluded(rules: Rule[], path: string): boolean {
  const parentDirs = path.split('/').slice(0, -1)
  let matched = false
  for (const rule of rules) {
    let match = rule.re.test(path)
    if (!match && parentDirs.length > 0 && rule.dirs <= parentDirs.length) {
      match = rule.re.test(parentDirs.slice(0, rule.dirs).join('/'))
    }
    if (match) matched = !rule.exclusion
  }
  return matched
}

/** Returns whether a file (slash path relative to the context root) is in the build context. */
export function dockerignoreFilter(text: string): (path: string) => boolean {
  const rules = parseDockerignore(text)
  const exceptions = rules.filter((r) => r.exclusion).map((r) => `${r.text}/`)
  const walked = new Map<string, boolean>()
  /** The walk enters `dir` (and it is not under a skipped directory). */
  const enters = (dir: string): boolean => {
    let known = walked.get(dir)
    if (known === undefined) {
      const slash = dir.lastIndexOf('/')
      const parentOk = slash < 0 || enters(dir.slice(0, slash))
      known = parentOk && (!excluded(rules, dir) || exceptions.some((e) => e.startsWith(`${dir}/`)))
      walked.set(dir, known)
    }
    return known
  }
  return (path) => {
    const slash = path.lastIndexOf('/')
    if (slash >= 0 && !enters(path.slice(0, slash))) return false
    return !excluded(rules, path)
  }
}
