/** @jsxImportSource hono/jsx */
// The page shell: head (assets by content-hashed URL, htmx config for a strict CSP), the
// navigation (links keep the time range and dimension filters) and the main landmark.

import type { Filters } from '@tokentap/shared/api'
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { assetUrl } from '../static/index.ts'
import { link } from './url.ts'

export type Section = 'overview' | 'events' | 'budgets' | 'limits' | 'none' | 'sessions'

const NAV: { section: Section; path: string; label: string }[] = [
  { section: 'overview', path: '/', label: 'Overview' },
  { section: 'sessions', path: '/sessions', label: 'Sessions' },
  { section: 'events', path: '/events', label: 'Events' },
  { section: 'budgets', path: '/budgets', label: 'Budgets' },
  // Rate-limit and subscription windows per account (issue 16)
  { section: 'limits', path: '/limits', label: 'Limits' },
]

// htmx would otherwise inject an inline <style> (blocked by style-src 'self') and may eval.
const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false })

export function Layout(props: {
  title: string
  section: Section
  filters?: Filters | undefined
  /** SSE feed URL (/api/stream with the page's filters) when the page updates live. */
  stream?: string | undefined
  children: Child
}) {
  const f = props.filters
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title>{`${props.title} · tokentap`}</title>
          <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
          <link rel="stylesheet" href={assetUrl('uplot.min.css')} />
          <link rel="stylesheet" href={assetUrl('app.css')} />
          <script src={assetUrl('htmx.min.js')} defer />
          <script src={assetUrl('htmx-sse.js')} defer />
          <script src={assetUrl('uplot.min.js')} defer />
          <script src={assetUrl('app.js')} defer />
        </head>
        <body hx-ext={props.stream ? 'sse' : undefined} sse-connect={props.stream}>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href={f ? link('/', f) : '/'}>
              tokentap
            </a>
            <nav aria-label="Sections">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a
                      href={
                        f && n.section !== 'budgets' && n.section !== 'limits'
                          ? link(n.path, f)
                          : n.path
                      }
                      aria-current={n.section === props.section ? 'page' : undefined}
                    >
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {props.stream ? (
              <span
                id="live-status"
                class="live-status"
                role="status"
                hx-trigger="sse:usage, sse:repriced"
              >
                live
              </span>
            ) : null}
            <a class="logout" href="/logout">
              Log out
            </a>
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  )
}
