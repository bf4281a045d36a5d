// Postgres sink (docs/ARCHITECTURE.md §4, rule 5): write() only enqueues; a bounded queue flushes on
// size or interval, one transaction per batch (events + rollups + NOTIFY, see pg-write.ts).
// Each row's monthly partition is made first (partitions.ts).
// When Postgres is down, erroring or too slow, batches go to the disk spool (spool.ts) and a
// background task replays it with capped exponential backoff. Nothing is dropped, write() never
// blocks or throws, and replays cannot double-count (inserts are idempotent, rollups follow).
// Each flush also folds its records and their limits readings into account_limits.

import { errorText } from '@tokentap/shared'
import { sleep } from './async.ts'
import { createCommitter } from './pg-commit.ts'
import type { StoredRecord } from './pg-rows.ts'
import { VALUES_MAX_ROWS } from './pg-write.ts'
import type { PostgresSink, PostgresSinkOptions } from './postgres-types.ts'
import type { RecordEnvelope } from './sink.ts'
import { createSpool } from './spool.ts'

export type * from './postgres-types.ts'

/** A record read back from the spool: its bodies stayed behind (they never reach the spool). */
const replayed = (record: StoredRecord): RecordEnvelope => ({ record, bodies: null })

export function createPostgresSink(opts: PostgresSinkOptions): PostgresSink {
  const { sql, log } = opts
  const now = opts.now ?? Date.now
  const method = opts.method ?? 'json'
  const maxBatch = method === 'values' ? VALUES_MAX_ROWS : Number.POSITIVE_INFINITY
  const batchSize = Math.min(maxBatch, Math.max(1, opts.batchSize ?? 500))
  const burst = Math.min(maxBatch, Math.max(batchSize, opts.maxBatchSize ?? batchSize * 4))
  const maxQueue = Math.max(burst, opts.maxQueue ?? batchSize * 20)
  const concurrency = Math.max(1, opts.concurrency ?? 2)
  const retryMinMs = opts.retryMinMs ?? 200
  const retryMaxMs = Math.max(retryMinMs, opts.retryMaxMs ?? 10_000)
  const flushTimeoutMs = opts.flushTimeoutMs ?? 15_000
  const spool = createSpool(opts.spoolDir, now)
  const m = {
    lastFlushLatencyMs: null as number | null,
    flushes: 0,
    recordsSpooled: 0,
    recordsReplayed: 0,
  }
  const committer = createCommitter({
    sql,
    log,
    spool,
    method,
    flushTimeoutMs,
    ...(opts.onFlushed ? { onFlushed: opts.onFlushed } : {}),
  })
  const { commit, setAside } = committer

  const queue: RecordEnvelope[] = []
  let inflight = 0 // records in batches being persisted or spilled
  const running = new Set<Promise<void>>()
  let force = false
  let spill: RecordEnvelope[] = []
  let spilling: Promise<void> | null = null
  let degraded = false
  let replaying: Promise<void> | null = null
  let stopping = false
  let closing: Promise<void> | null = null
  let dropped = 0
  let lateWarned = false
  const wake = { fn: () => {} }

  /** To the spool, retrying a failing disk rather than dropping (the records stay in memory).
   *  Only close() gives up, after 3 tries with Postgres and the disk both failing (dropped).
   *  The records alone: bodies never reach the spool (a spooled record is stored without them). */
  async function toSpool(entries: RecordEnvelope[]): Promise<void> {
    const records: StoredRecord[] = entries.map((e) => e.record)
    for (
      let delay = retryMinMs, attempt = 1;
      ;
      delay = Math.min(delay * 2, retryMaxMs), attempt++
    ) {
      try {
        await spool.append(records)
        m.recordsSpooled += records.length
        scheduleReplay()
        return
      } catch (e) {
        log.error(`postgres sink: spool write failed (${records.length} kept): ${errorText(e)}`)
        if (closing && attempt >= 3) {
          dropped += records.length
          log.error(`postgres sink: closing with postgres and disk down: ${records.length} lost`)
          return
        }
        await sleep(delay)
      }
    }
  }

  async function persist(batch: RecordEnvelope[]): Promise<void> {
    if (!degraded) {
      const t0 = now()
      try {
        await commit(batch)
        m.lastFlushLatencyMs = now() - t0
        m.flushes++
        return
      } catch (e) {
        if (!degraded) log.warn(`postgres sink: write failed, spooling: ${errorText(e)}`)
        degraded = true
      }
    }
    await toSpool(batch)
  }

  /** Starts flushes (up to `concurrency`) for full batches, or any batch when forced. */
  function pump(forced: boolean): void {
    if (forced) force = true
    while (running.size < concurrency && (queue.length >= batchSize || (force && queue.length))) {
      // A backlog goes in larger batches, up to `burst`.
      const batch = queue.splice(0, queue.length >= 2 * batchSize ? burst : batchSize)
      inflight += batch.length
      const job: Promise<void> = persist(batch)
        .catch((e: unknown) => log.error(`postgres sink: flush: ${errorText(e)}`))
        .finally(() => {
          inflight -= batch.length
          running.delete(job)
          pump(false)
        })
      running.add(job)
    }
    if (queue.length === 0) force = false
  }

  async function drain(): Promise<void> {
    for (;;) {
      pump(true)
      if (running.size === 0) return
      await Promise.race(running)
    }
  }

  function toSpill(e: RecordEnvelope): void {
    spill.push(e)
    spilling ??= (async () => {
      while (spill.length > 0) {
        const batch = spill
        spill = []
        inflight += batch.length
        await toSpool(batch).finally(() => {
          inflight -= batch.length
        })
      }
    })().finally(() => {
      spilling = null
    })
  }

  /** Replays sealed segments oldest first; a segment is deleted once all of it is committed
   *  (and its unreadable lines are set aside). A retry replays it whole: inserts dedupe. */
  async function replayOnce(): Promise<void> {
    await spool.seal()
    for (const seg of spool.segments()) {
      const { records, corrupt } = await spool.read(seg)
      for (let i = 0; i < records.length; i += batchSize) {
        await commit(records.slice(i, i + batchSize).map(replayed))
      }
      if (!(await setAside(corrupt, `unreadable line(s) in ${seg}`))) {
        throw new Error(`cannot set aside the unreadable lines of ${seg}`)
      }
      await spool.remove(seg)
      m.recordsReplayed += records.length
    }
  }

  async function replayLoop(): Promise<void> {
    let backoff = degraded ? retryMinMs : 0
    while (!stopping) {
      if (backoff > 0) await sleep(backoff, wake)
      if (stopping) return
      try {
        await replayOnce()
        if (spool.isEmpty()) {
          if (degraded) log.info('postgres sink: postgres is back, spool replayed')
          degraded = false
          return
        }
        backoff = 0 // more arrived meanwhile
      } catch (e) {
        if (!degraded) log.warn(`postgres sink: replay failed, will retry: ${errorText(e)}`)
        degraded = true
        backoff = backoff === 0 ? retryMinMs : Math.min(backoff * 2, retryMaxMs)
      }
    }
  }

  function scheduleReplay(): void {
    if (replaying || stopping) return
    replaying = replayLoop().finally(() => {
      replaying = null
      if (!spool.isEmpty()) scheduleReplay()
    })
  }

  spool.ready.then(
    () => spool.isEmpty() || scheduleReplay(),
    (e: unknown) => log.error(`postgres sink: spool dir ${opts.spoolDir}: ${errorText(e)}`),
  )
  const timer = setInterval(() => queue.length > 0 && pump(true), opts.intervalMs ?? 1000)
  timer.unref?.()

  return {
    write(envelope) {
      try {
        if (closing) {
          if (!lateWarned) log.warn('postgres sink: write after close(): record spooled')
          lateWarned = true
          return toSpill(envelope)
        }
        if (queue.length >= maxQueue) return toSpill(envelope)
        queue.push(envelope)
        if (queue.length >= batchSize) pump(false)
      } catch (e) {
        log.error(`postgres sink: write: ${errorText(e)}`)
      }
    },
    pending: () => queue.length + inflight + spill.length,
    flush: drain,
    close() {
      closing ??= (async () => {
        clearInterval(timer)
        await drain()
        while (spilling) await spilling
        wake.fn()
        stopping = true
        while (replaying) await replaying
        if (!degraded && !spool.isEmpty()) {
          await replayOnce().catch((e: unknown) => {
            log.warn(`postgres sink: records left in ${opts.spoolDir}: ${errorText(e)}`)
          })
        }
        await spool.close()
      })()
      return closing
    },
    metrics: () => ({
      queueDepth: queue.length + inflight + spill.length,
      spoolBytes: spool.bytes(),
      spoolFiles: spool.fileCount(),
      degraded,
      ...m,
      ...committer.counts,
      recordsDropped: dropped,
    }),
  }
}
