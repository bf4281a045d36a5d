import { describe, expect, test } from 'bun:test'
import { BUILTIN_INTERCEPT_HOSTS } from '../providers/table.ts'
import type { CaProfile } from './ca-cert.ts'
import { caStartNotes, coverageNotes, describeConstraints } from './ca-report.ts'
import { constraintsFor } from './subtrees.ts'
import { DAY_MS } from './x509.ts'

const now = new Date('2027-01-01T00:00:00Z')
const profile = (constraints: CaProfile['constraints'], daysLeft = 700): CaProfile => ({
  constraints,
  pathLength: 0,
  notBefore: new Date(now.getTime() - DAY_MS),
  notAfter: new Date(now.getTime() + daysLeft * DAY_MS),
})
const builtin = BUILTIN_INTERCEPT_HOSTS.map((pattern) => ({ pattern, source: 'built-in' as const }))

describe('CA notes', () => {
  test('describeConstraints says what is permitted and that IPs are not', () => {
    expect(describeConstraints(constraintsFor(['api.openai.com', '*.openai.azure.com']))).toBe(
      'DNS api.openai.com, openai.azure.com; no IP addresses',
    )
    expect(describeConstraints(constraintsFor(['api.openai.com', '10.0.0.5']))).toBe(
      'DNS api.openai.com; IP 10.0.0.5/32; no other IP addresses',
    )
  })

  test('a constrained CA covering the list: one info line', () => {
    const notes = caStartNotes({
      caPath: '/h/ca.pem',
      profile: profile(constraintsFor(BUILTIN_INTERCEPT_HOSTS)),
      patterns: builtin,
      now,
      nextWaiting: null,
    })
    expect(notes).toEqual([
      {
        level: 'info',
        text: expect.stringMatching(
          /^CA \/h\/ca\.pem: name-constrained to DNS amazonaws\.com, .*; valid until 2028-12-01$/,
        ),
      },
    ])
  })

  test('unconstrained, expiring soon and a renewed CA waiting are all said', () => {
    const notes = caStartNotes({
      caPath: '/h/ca.pem',
      profile: profile(null, 12),
      patterns: builtin,
      now,
      nextWaiting: '/h/ca-next.pem',
    })
    expect(notes.map((n) => n.level)).toEqual(['warn', 'warn', 'info'])
    expect(notes[0]!.text).toContain('has no name constraints')
    expect(notes[1]!.text).toBe(
      'CA /h/ca.pem expires on 2027-01-13 (12 days left): `tokentap ca renew` issues the next one',
    )
    expect(notes[2]!.text).toContain('`tokentap ca renew --activate` switches to it')
  })

  test('coverage notes name the host, where it was configured and the command', () => {
    const notes = coverageNotes('/h/ca.pem', profile(constraintsFor(BUILTIN_INTERCEPT_HOSTS)), [
      ...builtin,
      { pattern: 'llm.corp.example', source: 'TOKENTAP_PROVIDERS' },
    ])
    expect(notes).toHaveLength(1)
    expect(notes[0]!.text).toStartWith(
      'intercepted host llm.corp.example (TOKENTAP_PROVIDERS) is outside the name constraints of the CA /h/ca.pem',
    )
    expect(notes[0]!.text).toContain('`tokentap ca renew`')
    expect(coverageNotes('/h/ca.pem', profile(null), builtin)).toEqual([])
  })
})
