// Who a request is recorded for: the proxy credential's user and project, our X-Tokentap-*
// tags (they win over the client's own ids), the client's session and sub-agent ids, the
// program from its User-Agent, and who pays. Pure; `notes` say which headers were ignored
// (names and reasons, never values) for the caller to log.

import type { HeaderList } from '../http1/head.ts'
import { getHeader } from '../http1/head.ts'
import type { AccountResolver } from '../identity/accounts.ts'
import { readClientIds } from '../identity/client-ids.ts'
import type { Identity } from '../identity/credentials.ts'
import { readHeaderTags } from '../identity/headers.ts'
import { programFromUserAgent } from '../identity/program.ts'
import type { Attribution } from '../records/result.ts'

export function attributionOf(
  identity: Identity,
  host: string,
  path: string,
  headers: HeaderList,
  accountOf: AccountResolver,
): { attribution: Attribution; notes: string[] } {
  const tags = readHeaderTags(headers)
  const ids = readClientIds(headers)
  return {
    attribution: {
      user: identity.user,
      project: tags.project ?? identity.project,
      session: tags.session ?? ids.session,
      agent: ids.agent,
      agentType: ids.agentType,
      program: programFromUserAgent(getHeader(headers, 'user-agent')),
      ...accountOf(host, path, headers),
    },
    notes: [...tags.notes, ...ids.notes],
  }
}
