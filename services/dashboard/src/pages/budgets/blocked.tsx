/** @jsxImportSource hono/jsx */
// A hard budget's part of its card: whether it is blocking now (until its window ends) and whose
// requests it refused in the window, each user linked to their blocked rows in the event log.

import { type BudgetStatus, formatInt } from '@tokentap/shared/api'
import { formatTime } from '../../views/format.ts'
import { Heads } from '../../views/table.tsx'

/** The event log's blocked rows in the budget's window, for one user (null: rows without one). */
function eventsHref(s: BudgetStatus, user: string | null): string {
  const q = new URLSearchParams({
    range: 'custom',
    from: s.window.start,
    to: s.window.end,
    outcome: 'blocked',
    user: user ?? '(none)',
  })
  for (const [k, v] of Object.entries(s.budget.scope)) if (v !== undefined) q.set(k, v)
  return `/events?${q}`
}

export function BlockingState(props: { s: BudgetStatus; tz: string }) {
  const { s, tz } = props
  if (s.budget.action !== 'block') return null
  const blocked = s.blocked ?? { requests: 0, users: [] }
  return (
    <>
      {s.blocking ? (
        <p class="bad-text blocking" role="status">
          <strong>Blocking</strong>
          {' new billable requests in its scope until '}
          <time datetime={s.window.end}>{formatTime(s.window.end, tz).slice(0, 16)}</time>
        </p>
      ) : (
        <p class="muted">Blocks new billable requests in its scope once the limit is reached.</p>
      )}
      {blocked.requests > 0 ? (
        <div class="table-wrap">
          <table>
            <caption>{`Blocked in this window: ${formatInt(blocked.requests)} requests`}</caption>
            <thead>
              <tr>
                <Heads cols={['User', { num: 'Requests' }, 'Last blocked']} />
              </tr>
            </thead>
            <tbody>
              {blocked.users.map((u) => (
                <tr>
                  <th scope="row">
                    <a href={eventsHref(s, u.user)}>{u.user ?? '(none)'}</a>
                  </th>
                  <td class="num">{formatInt(u.requests)}</td>
                  <td>{formatTime(u.lastAt, tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  )
}
