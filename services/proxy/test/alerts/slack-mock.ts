// A stand-in for Slack's incoming webhooks on loopback: records every POST body by path and
// answers with scripted statuses (default 200 "ok").

import type { SlackMessage } from '../../src/alerts/message.ts'

export interface SlackMock {
  url(path?: string): string
  /** Bodies of every POST (any status), in arrival order. */
  posts: { path: string; status: number; body: SlackMessage }[]
  /** Bodies answered 200. */
  delivered(path?: string): SlackMessage[]
  /** Statuses to answer next on `path`, consumed in order; then 200. */
  script(path: string, statuses: number[]): void
  stop(): Promise<void>
}

export function startSlackMock(): SlackMock {
  const posts: SlackMock['posts'] = []
  const scripts = new Map<string, number[]>()
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname
      const body = (await req.json()) as SlackMessage
      const status = scripts.get(path)?.shift() ?? 200
      posts.push({ path, status, body })
      return new Response(status === 200 ? 'ok' : 'internal_error', { status })
    },
  })
  return {
    url: (path = '/services/T0/B0/secret-token') => `http://127.0.0.1:${server.port}${path}`,
    posts,
    delivered: (path) =>
      posts.filter((p) => p.status === 200 && (!path || p.path === path)).map((p) => p.body),
    script: (path, statuses) => scripts.set(path, [...statuses]),
    stop: () => server.stop(true),
  }
}

/** The mrkdwn text of the field whose title is `*title*` (without the title line). */
export function field(msg: SlackMessage, title: string): string | undefined {
  for (const b of msg.blocks) {
    const fields = (b as { fields?: { text: string }[] }).fields ?? []
    const text = (b as { text?: { text?: string } }).text?.text
    for (const t of [...fields.map((f) => f.text), ...(text ? [text] : [])]) {
      if (t.startsWith(`*${title}*\n`)) return t.slice(title.length + 3)
    }
  }
  return undefined
}

/** `1. name — $1.00` lines → [name, dollars]. */
export function tops(text: string | undefined): [string, string][] {
  return (text ?? '')
    .split('\n')
    .map((l) => /^\d+\. (.*) — \$([\d.]+)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => [m[1] ?? '', m[2] ?? ''])
}
