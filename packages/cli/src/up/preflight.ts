// Checks `tokentap up` makes on its environment before starting anything (pure): combinations of
// variables that each service would accept alone but that are unsafe together.

import { ConfigError, type Env, readString } from '@tokentap/shared'

/** Team mode (PROXY_USERS) means several people's usage on one dashboard: it must not open
 *  without a key, even on loopback (every member can reach a shared host's loopback). */
export function checkTeamDashboard(env: Env): void {
  if (readString(env, 'PROXY_USERS') === undefined) return
  if (readString(env, 'DASHBOARD_API_KEY') !== undefined) return
  throw new ConfigError(
    'DASHBOARD_API_KEY',
    'required when PROXY_USERS is set (team mode): the dashboard shows every member’s usage; ' +
      'set a key of at least 16 characters (e.g. openssl rand -hex 32)',
  )
}
