import { describe, expect, test } from 'bun:test'
import { dockerignoreFilter, excluded, parseDockerignore, patternRegExp } from './dockerignore.ts'

describe('patternRegExp', () => {
  test('* and ? stay within a component, ** spans directories', () => {
    expect(patternRegExp('*').test('a')).toBe(true)
    expect(patternRegExp('*').test('a/b')).toBe(false)
    expect(patternRegExp('a?c').test('abc')).toBe(true)
    expect(patternRegExp('a?c').test('a/c')).toBe(false)
    const nm = patternRegExp('**/node_modules')
    expect(['node_modules', 'a/node_modules', 'a/b/node_modules'].map((p) => nm.test(p))).toEqual([
      true,
      true,
      true,
    ])
    expect(nm.test('a/node_modules_x')).toBe(false)
    expect(patternRegExp('**/*.test.ts').test('services/x/y.test.ts')).toBe(true)
    expect(patternRegExp('a.b').test('axb')).toBe(false)
  })
})

describe('excluded', () => {
  test('a pattern matches the leading directories of a path; the last match wins', () => {
    const rules = parseDockerignore('*\n!keep\n**/*.pem\n')
    expect(excluded(rules, 'a/b/c.ts')).toBe(true)
    expect(excluded(rules, 'keep/c.ts')).toBe(false)
    expect(excluded(rules, 'keep/c.pem')).toBe(true)
  })
})

describe('dockerignoreFilter', () => {
  test('a wildcard directory in an exception does not open an excluded directory (moby#30018)', () => {
    const wildcard = dockerignoreFilter('*\n!services/*/package.json\n!services/*/src\n')
    expect(wildcard('services/proxy/package.json')).toBe(false)
    expect(wildcard('services/proxy/src/main.ts')).toBe(false)
    const literal = dockerignoreFilter('*\n!services/proxy/package.json\n!services/proxy/src\n')
    expect(literal('services/proxy/package.json')).toBe(true)
    expect(literal('services/proxy/src/main.ts')).toBe(true)
    expect(literal('services/dashboard/src/main.ts')).toBe(false)
  })

  test('inside a directory some literal exception opens, wildcard file patterns apply', () => {
    const inContext = dockerignoreFilter('*\n!packages/shared/src\n!packages/*/package.json\n')
    expect(inContext('packages/shared/package.json')).toBe(true)
    expect(inContext('packages/cli/package.json')).toBe(false)
  })

  test('re-exclusions after the allow-list win; unlisted top-level files are out', () => {
    const inContext = dockerignoreFilter('*\n!src\n**/*.test.ts\n**/.env\n')
    expect(inContext('src/a.ts')).toBe(true)
    expect(inContext('src/a.test.ts')).toBe(false)
    expect(inContext('src/deep/.env')).toBe(false)
    expect(inContext('README.md')).toBe(false)
  })

  test('without exceptions an excluded directory is skipped whole', () => {
    const inContext = dockerignoreFilter('node_modules\n/secrets/\n')
    expect(inContext('node_modules/x/index.js')).toBe(false)
    expect(inContext('secrets/key')).toBe(false)
    expect(inContext('src/node_modules.ts')).toBe(true)
  })
})
