import { describe, expect, test } from 'bun:test'
import type { AccountResolver } from '../identity/accounts.ts'
import { attributionOf } from './attribution.ts'

const apiKey: AccountResolver = () => ({ billingKind: 'api_key', account: 'acct-1' })
const alice = { user: 'alice', project: 'web', token: 't' }

describe('attributionOf', () => {
  test('credential user and project, client session, program and payer', () => {
    const { attribution, notes } = attributionOf(
      alice,
      'api.anthropic.com',
      '/v1/messages',
      [
        ['x-claude-code-session-id', 'sess-9'],
        ['user-agent', 'claude-cli/2.0.14 (external, cli)'],
      ],
      apiKey,
    )
    expect(attribution).toMatchObject({
      user: 'alice',
      project: 'web',
      session: 'sess-9',
      agent: null,
      billingKind: 'api_key',
      account: 'acct-1',
    })
    expect(attribution.program).not.toBeNull()
    expect(notes).toEqual([])
  })

  test('our tags win over the credential project and the client session', () => {
    const { attribution } = attributionOf(
      alice,
      'api.openai.com',
      '/v1/responses',
      [
        ['x-tokentap-project', 'billing'],
        ['x-tokentap-session', 'run-1'],
        ['session_id', 'codex-1'],
      ],
      apiKey,
    )
    expect(attribution.project).toBe('billing')
    expect(attribution.session).toBe('run-1')
  })

  test('a refused tag is a note naming the header, not its value', () => {
    const { attribution, notes } = attributionOf(
      alice,
      'api.openai.com',
      '/v1/responses',
      [
        ['x-tokentap-project', 'a'],
        ['x-tokentap-project', 'b'],
      ],
      apiKey,
    )
    expect(attribution.project).toBe('web')
    expect(notes.length).toBe(1)
    expect(notes[0]).toContain('x-tokentap-project')
  })
})
