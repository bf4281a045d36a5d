// TOKENTAP_PRICES validation: clear, prefixed errors naming the bad entry.

import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { globMatch, loadPriceOverrides, parsePriceOverrides } from './overrides.ts'

const dir = mkdtempSync(join(tmpdir(), 'tokentap-prices-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('loadPriceOverrides', () => {
  test('reads a valid file; version hashes the content', () => {
    const text = JSON.stringify({
      models: [{ provider: 'anthropic', model: 'claude-*', inputPerMTok: 3, outputPerMTok: 15 }],
      credits: [{ provider: 'amazon-q', usdPerCredit: 0.04, note: 'Pro plan overage' }],
    })
    const o = loadPriceOverrides(file('ok.json', text))
    expect(o.models).toEqual([
      { provider: 'anthropic', model: 'claude-*', inputPerMTok: 3, outputPerMTok: 15 },
    ])
    expect(o.credits[0]?.usdPerCredit).toBe(0.04)
    const again = loadPriceOverrides(file('ok2.json', text))
    expect(again.version).toBe(o.version)
    const other = loadPriceOverrides(file('ok3.json', text.replace('0.04', '0.05')))
    expect(other.version).not.toBe(o.version)
  })

  test('missing file and bad JSON', () => {
    expect(() => loadPriceOverrides(join(dir, 'nope.json'))).toThrow(
      /^TOKENTAP_PRICES: cannot read .*nope\.json/,
    )
    expect(() => loadPriceOverrides(file('bad.json', '{"models": ['))).toThrow(
      /^TOKENTAP_PRICES: .*bad\.json is not valid JSON/,
    )
  })
})

describe('parsePriceOverrides', () => {
  const bad = (value: unknown) => () => parsePriceOverrides(value)

  test('empty object is fine', () => {
    const o = parsePriceOverrides({})
    expect(o.models).toEqual([])
    expect(o.credits).toEqual([])
  })

  test('names the bad entry', () => {
    expect(bad([])).toThrow(/^TOKENTAP_PRICES: the file must hold a JSON object/)
    expect(bad({ model: [] })).toThrow('TOKENTAP_PRICES: top level: unknown key "model"')
    expect(bad({ models: {} })).toThrow('TOKENTAP_PRICES: "models" must be an array')
    expect(
      bad({
        models: [
          { provider: 'openai', model: 'gpt-5', inputPerMTok: 1, outputPerMTok: 2 },
          { provider: 'anthropic', model: 'claude-x*', inputPerMTok: -1, outputPerMTok: 2 },
        ],
      }),
    ).toThrow(
      'TOKENTAP_PRICES: models[1] (anthropic claude-x*): "inputPerMTok" must be a non-negative number, got -1',
    )
    expect(bad({ models: [{ provider: 'openai', model: 'gpt-5', inputPerMTok: 1 }] })).toThrow(
      'models[0] (openai gpt-5): "outputPerMTok" must be a non-negative number, got nothing',
    )
    expect(
      bad({
        models: [{ provider: 'openai', model: 'gpt-5', inputPerMtok: 1, outputPerMTok: 1 }],
      }),
    ).toThrow('models[0] (openai gpt-5): unknown key "inputPerMtok"')
    expect(bad({ models: [{ model: 'gpt-5', inputPerMTok: 1, outputPerMTok: 1 }] })).toThrow(
      'models[0] (gpt-5): "provider" must be a non-empty string',
    )
    expect(bad({ credits: [{ provider: 'amazon-q', usdPerCredit: '0.04' }] })).toThrow(
      'TOKENTAP_PRICES: credits[0] (amazon-q): "usdPerCredit" must be a non-negative number, got "0.04"',
    )
    expect(bad({ credits: [42] })).toThrow('TOKENTAP_PRICES: credits[0]: must be an object')
  })
})

describe('billed units in model entries', () => {
  const entry = (extra: object) => ({
    models: [{ provider: 'openai', model: 'gpt-5*', inputPerMTok: 1, outputPerMTok: 2, ...extra }],
  })
  const bad = (extra: object) => () => parsePriceOverrides(entry(extra))

  test('perMTok, perUnit and modifier globs are read', () => {
    const o = parsePriceOverrides(
      entry({
        perMTok: { input_audio_tokens: 32, cache_audio_read_tokens: 0.4 },
        perUnit: { web_searches: 0.01, code_interpreter_calls: 0.03 },
        serviceTier: 'priority',
        inferenceGeo: 'us',
        speed: 'fast',
      }),
    )
    expect(o.models[0]).toEqual({
      provider: 'openai',
      model: 'gpt-5*',
      inputPerMTok: 1,
      outputPerMTok: 2,
      perMTok: { input_audio_tokens: 32, cache_audio_read_tokens: 0.4 },
      perUnit: { web_searches: 0.01, code_interpreter_calls: 0.03 },
      serviceTier: 'priority',
      inferenceGeo: 'us',
      speed: 'fast',
    })
  })

  test('names the bad unit or price', () => {
    expect(bad({ perMTok: { audio_tokens: 1 } })).toThrow(
      /^TOKENTAP_PRICES: models\[0\] \(openai gpt-5\*\): "perMTok" has unknown unit "audio_tokens" \(expected input_audio_tokens, /,
    )
    expect(bad({ perUnit: { input_audio_tokens: 1 } })).toThrow(
      'models[0] (openai gpt-5*): "perUnit" has unknown unit "input_audio_tokens" (expected a count unit such as web_searches)',
    )
    expect(bad({ perUnit: { 'Web-Searches': 1 } })).toThrow('unknown unit "Web-Searches"')
    expect(bad({ perUnit: { web_searches: -0.01 } })).toThrow(
      'models[0] (openai gpt-5*) perUnit: "web_searches" must be a non-negative number, got -0.01',
    )
    expect(bad({ perUnit: [] })).toThrow(
      'models[0] (openai gpt-5*): "perUnit" must be an object of {unit: price}',
    )
    expect(bad({ serviceTier: '' })).toThrow(
      'models[0] (openai gpt-5*): "serviceTier" must be a non-empty string',
    )
  })
})

test('globMatch', () => {
  expect(globMatch('claude-sonnet-4-5*', 'claude-sonnet-4-5-20250929')).toBe(true)
  expect(globMatch('claude-sonnet-4-5*', 'CLAUDE-SONNET-4-5')).toBe(true)
  expect(globMatch('claude-sonnet-4-5*', 'claude-sonnet-4-6')).toBe(false)
  expect(globMatch('gpt-?o', 'gpt-4o')).toBe(true)
  expect(globMatch('gpt-5.1', 'gpt-5x1')).toBe(false) // '.' is literal
  expect(globMatch('*', 'anything')).toBe(true)
})
