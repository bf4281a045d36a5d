import { describe, expect, test } from 'bun:test'
import { parseArgs, UsageError } from './args.ts'

const spec = { shell: { type: 'string' as const }, yes: { type: 'boolean' as const, short: 'y' } }

describe('parseArgs', () => {
  test('long, inline, short flags, positionals and the rest after --', () => {
    expect(parseArgs(['--shell', 'fish', '-y', 'a', '--', '-x', 'b'], spec)).toEqual({
      flags: { shell: 'fish', yes: true },
      positionals: ['a'],
      rest: ['-x', 'b'],
    })
    expect(parseArgs(['--shell=zsh', '-h'], spec).flags).toEqual({ shell: 'zsh', help: true })
  })

  test('stops at the first positional when asked (run CMD …)', () => {
    expect(parseArgs(['-y', 'curl', '-s', '--yes'], spec, { stopAtPositional: true })).toEqual({
      flags: { yes: true },
      positionals: [],
      rest: ['curl', '-s', '--yes'],
    })
  })

  test('unknown options and missing values are usage errors', () => {
    expect(() => parseArgs(['--nope'], spec)).toThrow(UsageError)
    expect(() => parseArgs(['-q'], spec)).toThrow('unknown option -q')
    expect(() => parseArgs(['--shell'], spec)).toThrow('--shell needs a value')
    expect(() => parseArgs(['--yes=1'], spec)).toThrow('takes no value')
  })
})
