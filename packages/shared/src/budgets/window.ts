// Budget windows: the current day / week (starting Monday) / month in the budgets' time zone, as
// UTC instants, and how they read in Slack. All zone arithmetic is @tokentap/shared/time's (DST
// policy there), the same the dashboard's ranges use.

import { formatLocal, startOf, timeOnDay } from '../time/index.ts'
import type { BudgetPeriod, BudgetWindow } from './types.ts'

/** The window of `period` in `timezone` that contains `now`: [start, end). */
export function budgetWindow(period: BudgetPeriod, timezone: string, now: Date): BudgetWindow {
  const t = now.getTime()
  return {
    start: new Date(startOf(period, t, timezone)),
    end: new Date(startOf(period, t, timezone, 1)),
  }
}

/** Today's instant of local time `hh:mm` in `timezone` (the day containing `now`). */
export function localTimeToday(timezone: string, now: Date, hour: number, minute: number): Date {
  return new Date(timeOnDay(now.getTime(), timezone, hour, minute))
}

/** `Mon 23 Nov 2026 00:00 → Tue 24 Nov 2026 00:00 (Europe/Berlin)`. */
export function formatBudgetWindow(window: BudgetWindow, timezone: string): string {
  return `${formatLocal(window.start, timezone)} → ${formatLocal(window.end, timezone)} (${timezone})`
}
