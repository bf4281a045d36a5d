// Degraded recording (pure): the sink is degraded while Postgres is unreachable or while records
// sit in the spool. Once that has lasted `afterMs` without a break, one 'degraded' alert; when it
// clears after an alert, one 'recovered'. Per replica (each proxy reports its own recording).

export interface SinkSample {
  degraded: boolean
  spoolBytes: number
  queueDepth: number
}

export interface DegradedState {
  /** Since when (ms) the sink has been unhealthy without a break; null = healthy. */
  since: number | null
  alerted: boolean
}

export const HEALTHY: DegradedState = { since: null, alerted: false }

export function degradedStep(
  state: DegradedState,
  sample: SinkSample,
  nowMs: number,
  afterMs: number,
): { state: DegradedState; send: 'degraded' | 'recovered' | null; minutes: number } {
  const unhealthy = sample.degraded || sample.spoolBytes > 0
  if (!unhealthy) {
    const minutes = state.since === null ? 0 : Math.round((nowMs - state.since) / 60_000)
    return { state: HEALTHY, send: state.alerted ? 'recovered' : null, minutes }
  }
  const since = state.since ?? nowMs
  const minutes = Math.round((nowMs - since) / 60_000)
  if (!state.alerted && nowMs - since >= afterMs) {
    return { state: { since, alerted: true }, send: 'degraded', minutes }
  }
  return { state: { since, alerted: state.alerted }, send: null, minutes }
}
