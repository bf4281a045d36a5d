// Page-test helpers: the page routes over a fake DataAccess at a fixed clock, and checks that
// every HTML answer obeys the strict CSP (no inline script, style or event handler).

import { expect } from 'bun:test'
import type { DataAccess } from '../../data/types.ts'
import { pageRoutes } from '../index.ts'

export const NOW = new Date('2026-01-15T12:00:00Z')

export function pages(data: DataAccess) {
  return pageRoutes({ data, now: () => NOW })
}

export async function get(
  data: DataAccess,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; html: string; res: Response }> {
  const res = await pages(data).request(url, { headers })
  const html = await res.text()
  return { status: res.status, html, res }
}

/** No inline <script>, style attribute, <style> element or on* handler. */
export function expectCspClean(html: string): void {
  // Text is escaped (&lt;), so every `<name …>` here is a real tag.
  const tags = html.match(/<[a-z][^>]*>/gi) ?? []
  expect(tags.length).toBeGreaterThan(0)
  expect(tags.filter((t) => /^<script\b/i.test(t) && !/\ssrc=/.test(t))).toEqual([])
  expect(tags.filter((t) => /^<style\b/i.test(t) || /\s(style|on[a-z]+)=/i.test(t))).toEqual([])
}
