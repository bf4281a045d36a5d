// Taps both directions of a relayed WebSocket (bytes after the 101) into whole messages.

import type { WsDirection, WsMessage } from '@tokentap/shared'
import { errorText } from '@tokentap/shared'
import type { DeflateParams } from './extensions.ts'
import { createFrameReader, DEFAULT_MAX_PAYLOAD_BYTES } from './frames.ts'
import { createDeliveryQueue, createMessageAssembler } from './messages.ts'

export interface WsTapOptions {
  /** From parseDeflateExtension(101 response's sec-websocket-extensions). */
  deflate: DeflateParams | null
  /** Per frame and per message, compressed or inflated; default 16 MiB. */
  maxMessageBytes?: number
  /** Complete messages, in arrival order across both directions (inflation included). */
  onMessage: (message: WsMessage) => void
  onError?: (error: string) => void
}

export interface WsTap {
  /** Bytes the client sent. Chunks must not be mutated afterwards (messages may alias them). */
  client(chunk: Uint8Array): void
  /** Bytes the server sent. */
  server(chunk: Uint8Array): void
  /** Resolves once pending inflates finished and their messages were delivered. */
  end(): Promise<void>
}

export function createWsTap(opts: WsTapOptions): WsTap {
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  const onError = (e: string): void => {
    try {
      opts.onError?.(e)
    } catch {
      // a throwing callback must not break the tap
    }
  }
  let ended = false
  const queue = createDeliveryQueue()

  const side = (direction: WsDirection) => {
    const reader = createFrameReader({ maxPayloadBytes: max })
    const assembler = createMessageAssembler({
      direction,
      deflate: opts.deflate,
      maxMessageBytes: max,
      onMessage: opts.onMessage,
      onError,
      queue,
    })
    const push = (chunk: Uint8Array): void => {
      if (ended || reader.error !== null) return
      try {
        for (const frame of reader.push(chunk)) assembler.push(frame)
      } catch (e) {
        onError(`${direction}: ${errorText(e)}`)
      }
      if (reader.error !== null) onError(`${direction}: ${reader.error}`)
    }
    return { push, end: () => assembler.end() }
  }

  const client = side('client')
  const server = side('server')
  return {
    client: client.push,
    server: server.push,
    async end() {
      ended = true
      await Promise.all([client.end(), server.end()])
    },
  }
}
