import { expect, test } from 'bun:test'
import { type DegradedState, degradedStep, HEALTHY, type SinkSample } from './degraded.ts'

const MIN = 60_000
const down: SinkSample = { degraded: true, spoolBytes: 10, queueDepth: 0 }
const draining: SinkSample = { degraded: false, spoolBytes: 5, queueDepth: 0 }
const ok: SinkSample = { degraded: false, spoolBytes: 0, queueDepth: 3 }

test('one alert after the delay, one recovery, nothing for short blips', () => {
  let s: DegradedState = HEALTHY
  const sends: (string | null)[] = []
  const step = (sample: SinkSample, t: number) => {
    const r = degradedStep(s, sample, t * MIN, 5 * MIN)
    s = r.state
    sends.push(r.send)
  }
  step(down, 0)
  step(ok, 2) // a blip: back before 5 min, no message
  step(down, 3)
  step(down, 7)
  step(draining, 8) // Postgres back, spool still replaying: still unhealthy
  step(down, 9)
  step(down, 30)
  step(ok, 31)
  step(ok, 40)
  expect(sends).toEqual([null, null, null, null, 'degraded', null, null, 'recovered', null])
})

test('reports the minutes', () => {
  const r = degradedStep({ since: 0, alerted: false }, down, 6 * MIN, 5 * MIN)
  expect(r).toEqual({ state: { since: 0, alerted: true }, send: 'degraded', minutes: 6 })
})
