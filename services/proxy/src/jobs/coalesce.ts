// One background job that many triggers share (the alert evaluators, the blocking snapshot): at
// most one run at a time and at most one queued behind it, so a burst of flushes costs two runs,
// not one per flush. Errors go to onError; a stopped runner starts nothing new.

export interface CoalescedRunner {
  /** Starts a run, or queues one if a run is going (several triggers queue one). */
  trigger(): void
  /** Resolves when nothing runs or is queued. */
  idle(): Promise<void>
  /** No run starts after this; resolves when the current one has ended. */
  stop(): Promise<void>
  readonly stopped: boolean
}

export function coalescedRunner(
  job: () => Promise<void>,
  onError: (e: unknown) => void,
): CoalescedRunner {
  let running: Promise<void> | null = null
  let queued = false
  let stopped = false

  async function loop(): Promise<void> {
    do {
      queued = false
      try {
        await job()
      } catch (e) {
        onError(e)
      }
    } while (queued && !stopped)
  }

  return {
    trigger() {
      if (stopped) return
      if (running) {
        queued = true
        return
      }
      running = loop().finally(() => {
        running = null
      })
    },
    async idle() {
      while (running) await running
    },
    async stop() {
      stopped = true
      if (running) await running.catch(() => {})
    },
    get stopped() {
      return stopped
    },
  }
}
