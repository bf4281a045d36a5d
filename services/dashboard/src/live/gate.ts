// The cap on open live streams (DASHBOARD_MAX_STREAMS) and the record of what the live feed
// refused or dropped: counters, and log lines at most once a minute per kind (a flood of
// refusals or a client that keeps falling behind cannot flood the log).

export interface StreamGate {
  /** A slot for one stream, or null when the cap is reached (counted and logged). The release
   *  function may be called more than once. */
  acquire(): (() => void) | null
  /** A stream was dropped for falling behind. */
  dropped(behind: { events: number; bytes: number }): void
  readonly open: number
  readonly max: number
  readonly stats: { refused: number; dropped: number }
}

/** DASHBOARD_MAX_STREAMS default: a team's open tabs, with room. */
export const DEFAULT_MAX_STREAMS = 200

const LOG_EVERY_MS = 60_000

export function createStreamGate(opts: {
  max: number
  log?: (message: string) => void
  now?: () => number
}): StreamGate {
  const now = opts.now ?? Date.now
  const stats = { refused: 0, dropped: 0 }
  let open = 0
  /** Per kind: when it was last logged and how many happened since. */
  const quiet = new Map<string, { at: number; unlogged: number }>()
  const note = (kind: string, message: string): void => {
    const q = quiet.get(kind)
    const t = now()
    if (q && t - q.at < LOG_EVERY_MS) {
      q.unlogged++
      return
    }
    const more = q && q.unlogged > 0 ? ` (${q.unlogged} more since the last report)` : ''
    quiet.set(kind, { at: t, unlogged: 0 })
    opts.log?.(`dashboard: ${message}${more}`)
  }
  return {
    acquire() {
      if (open >= opts.max) {
        stats.refused++
        note('refused', `live stream refused: ${open} open, DASHBOARD_MAX_STREAMS is ${opts.max}`)
        return null
      }
      open++
      let released = false
      return () => {
        if (released) return
        released = true
        open--
      }
    },
    dropped(behind) {
      stats.dropped++
      note(
        'dropped',
        `live stream dropped: its reader fell ${behind.events} events / ${behind.bytes} bytes behind; it was told to reconnect`,
      )
    },
    get open() {
      return open
    },
    max: opts.max,
    stats,
  }
}
