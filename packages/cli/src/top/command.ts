// `tokentap top`: a live terminal view of today's usage fed by the dashboard's API and SSE
// feed. Alternate screen, redraw on resize, and the terminal restored on q, Ctrl-C or a signal.
// --once prints one frame (and is what runs when stdout is not a terminal).

import { boolFlag, noExtraPositionals, parseArgs, stringFlag } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { authHeaders, dropProxyEnv } from '../cli/http.ts'
import { dashboardAddress, httpUrl, paths } from '../config/paths.ts'
import { runningState } from '../state/state.ts'
import { type ApiOptions, addEvent, EMPTY, fetchTop, type TopData } from './data.ts'
import { renderTop, type Screen } from './render.ts'
import { followStream } from './stream.ts'

const ENTER = '\x1b[?1049h\x1b[?25l'
const LEAVE = '\x1b[?25h\x1b[?1049l'
const REFRESH_MS = 10_000
/** After a live row, totals are re-read at most this often. */
const LIVE_REFRESH_MS = 1000

export const top: CommandDef = {
  name: 'top',
  summary: "live terminal view of today's spend and tokens by model and program",
  usage: `tokentap top [--range today|7d|30d] [--url DASHBOARD_URL] [--once]

Shows spend and tokens by model and by program and the last requests, from the dashboard's
API (with DASHBOARD_API_KEY as a bearer token when set), updated live from /api/stream.
q or Ctrl-C quits. --once prints one screen and exits.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, {
      range: { type: 'string' },
      url: { type: 'string' },
      once: { type: 'boolean' },
    })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    dropProxyEnv()
    const state = runningState(paths(ctx.env).stateFile)
    const base = (
      stringFlag(a, 'url') ?? httpUrl(state?.dashboard ?? dashboardAddress(ctx.env))
    ).replace(/\/$/, '')
    const api: ApiOptions = {
      base,
      headers: authHeaders(ctx.env),
      range: stringFlag(a, 'range') ?? 'today',
      timeoutMs: 5000,
    }
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const screen = (): Screen => ({
      width: process.stdout.columns ?? 100,
      height: process.stdout.rows ?? 40,
      source: base,
      range: api.range,
      timeZone,
    })

    if (boolFlag(a, 'once') || !process.stdout.isTTY || !process.stdin.isTTY) {
      try {
        const d = { ...(await fetchTop(api, ctx.now())), live: false }
        ctx.out(`${renderTop(d, { ...screen(), height: 60 }).join('\n')}\n`)
        return EXIT.ok
      } catch (e) {
        ctx.err(`tokentap top: ${(e as Error).message}\n`)
        return EXIT.failed
      }
    }
    return runLive(api, screen)
  },
}

async function runLive(api: ApiOptions, screen: () => Screen): Promise<number> {
  let data: TopData = EMPTY
  let closed = false
  const draw = (): void => {
    if (closed) return
    const lines = renderTop(data, screen())
    process.stdout.write(`\x1b[H${lines.join('\x1b[K\n')}\x1b[K\x1b[J`)
  }
  let refreshing = false
  const refresh = async (): Promise<void> => {
    if (refreshing) return
    refreshing = true
    try {
      const fresh = await fetchTop(api, new Date())
      // Keep live rows the snapshot may not have caught yet.
      let events = fresh.events
      for (const e of data.events.slice().reverse()) {
        if (!events.some((x) => x.id === e.id) && e.startedAt > (events[0]?.startedAt ?? '')) {
          events = addEvent(events, e)
        }
      }
      data = { ...fresh, events, live: data.live }
    } catch (e) {
      data = { ...data, error: (e as Error).message }
    } finally {
      refreshing = false
    }
    draw()
  }

  const abort = new AbortController()
  let liveTimer: ReturnType<typeof setTimeout> | null = null
  const timer = setInterval(() => void refresh(), REFRESH_MS)
  let done: (code: number) => void = () => {}
  const finished = new Promise<number>((resolve) => {
    done = resolve
  })
  const onResize = (): void => draw()
  const onKey = (buf: Buffer): void => {
    const k = buf.toString()
    if (k === 'q' || k === 'Q' || k === '\x03' || k === '\x04') quit(0)
    else if (k === 'r') void refresh()
  }
  const onSignal = (): void => quit(0)
  const restore = (): void => {
    process.stdout.write(LEAVE)
  }
  const quit = (code: number): void => {
    if (closed) return
    closed = true
    clearInterval(timer)
    if (liveTimer) clearTimeout(liveTimer)
    abort.abort()
    process.stdout.off('resize', onResize)
    process.off('SIGWINCH', onResize)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('exit', restore)
    process.stdin.off('data', onKey)
    process.stdin.setRawMode(false)
    process.stdin.pause()
    restore()
    done(code)
  }

  process.stdout.write(ENTER)
  process.on('exit', restore)
  process.stdin.setRawMode(true)
  process.stdin.resume()
  process.stdin.on('data', onKey)
  process.stdout.on('resize', onResize)
  process.on('SIGWINCH', onResize)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  draw()
  void refresh()
  void followStream(
    api,
    {
      onEvent(e) {
        data = { ...data, events: addEvent(data.events, e) }
        draw()
        liveTimer ??= setTimeout(() => {
          liveTimer = null
          void refresh()
        }, LIVE_REFRESH_MS)
      },
      onLive(live) {
        data = { ...data, live }
        draw()
      },
    },
    abort.signal,
  )
  const code = await finished
  return code
}
