import { describe, expect, test } from 'bun:test'
import { coalescedRunner } from './coalesce.ts'

/** A job whose runs wait until the test releases them. */
function gatedJob() {
  const releases: Array<() => void> = []
  let runs = 0
  const job = () => {
    runs++
    return new Promise<void>((resolve) => releases.push(resolve))
  }
  const releaseNext = async () => {
    while (releases.length === 0) await Bun.sleep(1)
    releases.shift()?.()
  }
  return { job, releaseNext, runs: () => runs }
}

describe('coalescedRunner', () => {
  test('triggers during a run queue exactly one more run', async () => {
    const g = gatedJob()
    const r = coalescedRunner(g.job, () => {})
    r.trigger()
    r.trigger()
    r.trigger()
    r.trigger()
    expect(g.runs()).toBe(1)
    await g.releaseNext()
    await g.releaseNext()
    await r.idle()
    expect(g.runs()).toBe(2)
  })

  test('a failing run is reported and the queued one still runs', async () => {
    const errors: unknown[] = []
    let n = 0
    const r = coalescedRunner(
      async () => {
        n++
        await Bun.sleep(1)
        if (n === 1) throw new Error('boom')
      },
      (e) => errors.push(e),
    )
    r.trigger()
    r.trigger()
    await r.idle()
    expect(n).toBe(2)
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom'])
  })

  test('after stop nothing new starts, and stop waits for the current run', async () => {
    const g = gatedJob()
    const r = coalescedRunner(g.job, () => {})
    r.trigger()
    r.trigger()
    const stopping = r.stop()
    expect(r.stopped).toBe(true)
    await g.releaseNext()
    await stopping
    r.trigger()
    await r.idle()
    expect(g.runs()).toBe(1)
  })
})
