import { describe, expect, test } from 'bun:test'
import { ConfigError } from '@tokentap/shared'
import { checkTeamDashboard } from './preflight.ts'

describe('team mode', () => {
  test('tokentap up with PROXY_USERS refuses a dashboard without DASHBOARD_API_KEY', () => {
    expect(() => checkTeamDashboard({ PROXY_USERS: '/etc/tokentap/users.json' })).toThrow(
      'DASHBOARD_API_KEY: required when PROXY_USERS is set (team mode)',
    )
    expect(() => checkTeamDashboard({ PROXY_USERS: '/u.json', DASHBOARD_API_KEY: ' ' })).toThrow(
      ConfigError,
    )
    expect(() =>
      checkTeamDashboard({ PROXY_USERS: '/u.json', DASHBOARD_API_KEY: 'k'.repeat(32) }),
    ).not.toThrow()
    expect(() => checkTeamDashboard({})).not.toThrow()
  })
})
