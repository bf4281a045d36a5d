// The estimator worker (a Bun Worker): builds js-tiktoken encoders (~1 s, ~110 MB each) and counts
// tokens off the proxy's event loop. Started lazily by estimator.ts on the first record that needs
// an estimate. All logic is in protocol.ts.

import { handleEstimateMessage } from './protocol.ts'

declare const self: Worker

self.onmessage = (event: MessageEvent) => {
  self.postMessage(handleEstimateMessage(event.data))
}
