import { describe, expect, test } from 'bun:test'
import { BEGIN, END, hasBlock, insertBlock, removeBlock } from './block.ts'

const body = ['eval "$(tokentap shell-init)"']
const count = (s: string) => s.split(BEGIN).length - 1

describe('marked block', () => {
  for (const [name, original] of [
    ['a file ending with a newline', 'alias ll="ls -l"\nexport A=1\n'],
    ['a file without a trailing newline', 'alias ll="ls -l"\nexport A=1'],
    ['an empty file', ''],
    ['a missing file', null],
    ['a file with CRLF lines', 'a\r\nb\r\n'],
  ] as const) {
    test(`${name}: install twice leaves one block, uninstall restores it byte for byte`, () => {
      const once = insertBlock(original, body)
      const twice = insertBlock(once, body)
      expect(twice).toBe(once)
      expect(count(twice)).toBe(1)
      expect(twice).toContain(`${BEGIN}\n`)
      expect(twice).toContain(`${END}\n`)
      expect(twice).toContain(`\n${body[0]}\n`)
      expect(removeBlock(twice)).toBe(original)
    })
  }

  test('a changed body replaces the block in place, keeping what follows', () => {
    const original = 'a\n'
    const first = insertBlock(original, ['old'])
    const edited = `${first}after\n`
    const second = insertBlock(edited, ['new'])
    expect(second).toContain('\nnew\n')
    expect(second).not.toContain('old')
    expect(second.endsWith('after\n')).toBe(true)
    expect(removeBlock(second)).toBe('a\nafter\n')
  })

  test('no block: uninstall leaves the file alone', () => {
    expect(removeBlock('x\n')).toBe('x\n')
    expect(hasBlock('x\n')).toBe(false)
    expect(hasBlock(null)).toBe(false)
    expect(removeBlock(`x\n${BEGIN}\nunterminated\n`)).toBe(`x\n${BEGIN}\nunterminated\n`)
  })
})
