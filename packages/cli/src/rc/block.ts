// One marked block in a text file (rc files, .env files), added and removed so that removal
// restores the file byte for byte: the block records, in a comment line, whether install
// created the file or added a newline before the block (pure).

export const BEGIN = '# >>> tokentap >>>'
export const END = '# <<< tokentap <<<'
const CREATED = '# tokentap: this file was created by tokentap'
const NEWLINE = '# tokentap: a newline was added before this block'

interface Found {
  start: number
  end: number
  text: string
}

function findBlock(content: string): Found | null {
  let start = content.startsWith(BEGIN) ? 0 : content.indexOf(`\n${BEGIN}`)
  if (start < 0) return null
  if (start > 0 || !content.startsWith(BEGIN)) start += 1
  const endMarker = content.indexOf(`\n${END}`, start)
  if (endMarker < 0) return null
  let end = endMarker + 1 + END.length
  if (content[end] === '\n') end++
  return { start, end, text: content.slice(start, end) }
}

export function hasBlock(content: string | null): boolean {
  return content !== null && findBlock(content) !== null
}

function render(meta: string[], body: string[]): string {
  return `${[BEGIN, ...meta, ...body, END].join('\n')}\n`
}

/** `content` null = the file does not exist. Replaces an existing block in place. */
export function insertBlock(content: string | null, body: string[]): string {
  if (content === null) return render([CREATED], body)
  const found = findBlock(content)
  if (found) {
    const meta = [CREATED, NEWLINE].filter((m) => found.text.includes(`\n${m}\n`))
    return content.slice(0, found.start) + render(meta, body) + content.slice(found.end)
  }
  if (content === '' || content.endsWith('\n')) return content + render([], body)
  return `${content}\n${render([NEWLINE], body)}`
}

/** The file without the block; null means delete it (install created it). */
export function removeBlock(content: string): string | null {
  const found = findBlock(content)
  if (!found) return content
  let start = found.start
  if (found.text.includes(`\n${NEWLINE}\n`) && start > 0 && content[start - 1] === '\n') start--
  const rest = content.slice(0, start) + content.slice(found.end)
  return rest === '' && found.text.includes(`\n${CREATED}\n`) ? null : rest
}
