// /proc readings for the bench's child processes (Linux): CPU time from /proc/<pid>/stat and
// of the whole machine from /proc/stat (to spot other load),
// resident memory and its high-water mark from /proc/<pid>/status, and a peak-RSS reset
// through /proc/<pid>/clear_refs so each scenario's peak is its own.

import { readFileSync, writeFileSync } from 'node:fs'

const CLK_TCK = (() => {
  const r = Bun.spawnSync(['getconf', 'CLK_TCK'])
  const n = Number(r.stdout.toString().trim())
  return Number.isFinite(n) && n > 0 ? n : 100
})()

/** User + system CPU time of the whole process (all threads), in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the `(comm)`: state is field 3, utime field 14, stime field 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK
}

/** CPU time of the whole machine, ms: busy (not idle/iowait) and steal, summed over all CPUs. */
export function machineCpuMs(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0)
  const idle = (f[3] ?? 0) + (f[4] ?? 0)
  const steal = f[7] ?? 0
  return { busy: ((total - idle - steal) * 1000) / CLK_TCK, steal: (steal * 1000) / CLK_TCK }
}

function statusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  )
  return m ? Number(m[1]) : 0
}

export const rssKb = (pid: number): number => statusKb(pid, 'VmRSS')
export const peakRssKb = (pid: number): number => statusKb(pid, 'VmHWM')

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** Soft limit on open files of a process ('self' for this one), or null if unknown. */
export function fdLimit(pid: number | 'self'): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))
    if (!m) return null
    return m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1])
  } catch {
    return null
  }
}

/** Samples VmRSS (summed over `pids`) every `everyMs` until stopped; returns the largest
 *  sample in kB. */
export function sampleRss(pids: number | readonly number[], everyMs = 50): { stop(): number } {
  let max = 0
  const list = typeof pids === 'number' ? [pids] : pids
  const take = (): void => {
    try {
      max = Math.max(
        max,
        list.reduce((sum, pid) => sum + rssKb(pid), 0),
      )
    } catch {
      // process gone; the caller notices through its exit code
    }
  }
  take()
  const t = setInterval(take, everyMs)
  return {
    stop() {
      clearInterval(t)
      take()
      return max
    },
  }
}
