// Joins WebSocket frames into messages for one direction: fragments are concatenated, control
// frames skipped, permessage-deflate messages inflated. Messages come out in order; inflation is
// asynchronous, so a message queues behind any earlier one still inflating — in a DeliveryQueue
// that both directions of a socket share, so a reply is never delivered before the (compressed,
// still inflating) request it answers.

import type { WsDirection, WsMessage } from '@tokentap/shared'
import { errorText } from '@tokentap/shared'
import { type DeflateParams, resetsPerMessage } from './extensions.ts'
import type { Frame } from './frames.ts'
import { DEFAULT_MAX_PAYLOAD_BYTES } from './frames.ts'
import { createMessageInflater, type MessageInflater } from './inflate.ts'

export interface MessageAssemblerOptions {
  direction: WsDirection
  deflate: DeflateParams | null
  /** Bound on a message's (compressed and inflated) size; larger ones are reported and dropped. */
  maxMessageBytes?: number
  onMessage: (message: WsMessage) => void
  onError?: (error: string) => void
  /** Shared with the other direction to keep arrival order across both; default: own queue. */
  queue?: DeliveryQueue
}

/** Serialises deliveries; a task runs after every task enqueued before it. */
export interface DeliveryQueue {
  /** Tasks queued or running. */
  readonly pending: number
  enqueue(task: () => Promise<void> | void): void
  /** Resolves when nothing is queued or running (including tasks enqueued meanwhile). */
  idle(): Promise<void>
}

export function createDeliveryQueue(): DeliveryQueue {
  let tail: Promise<void> = Promise.resolve()
  let pending = 0
  return {
    get pending() {
      return pending
    },
    enqueue(task) {
      pending++
      tail = tail.then(task).then(
        () => void pending--,
        () => void pending--,
      )
    },
    async idle() {
      while (pending > 0) await tail
    },
  }
}

export interface MessageAssembler {
  push(frame: Frame): void
  /** Resolves once every queued message was delivered; later frames are ignored. */
  end(): Promise<void>
}

export function createMessageAssembler(opts: MessageAssemblerOptions): MessageAssembler {
  const { direction, deflate, onMessage } = opts
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  const inflater: MessageInflater | null = deflate
    ? createMessageInflater({
        resetPerMessage: resetsPerMessage(deflate, direction),
        maxBytes: max,
      })
    : null
  let ended = false

  // The message being assembled (opcode 0 = none).
  let opcode = 0
  let compressed = false
  let oversized = false
  let parts: Uint8Array[] = []
  let size = 0

  const queue = opts.queue ?? createDeliveryQueue()

  const report = (e: string): void => {
    try {
      opts.onError?.(`${direction}: ${e}`)
    } catch {
      // a throwing callback must not break the tap
    }
  }
  const deliver = (op: number, data: Uint8Array): void => {
    try {
      onMessage({ direction, opcode: op, data })
    } catch (e) {
      report(`onMessage threw: ${errorText(e)}`)
    }
  }
  const enqueue = (task: () => Promise<void> | void): void => queue.enqueue(task)
  /** Now, or after the messages still inflating ahead of it: a skip is reported where it came. */
  const inOrder = (task: () => void): void => {
    if (queue.pending === 0) task()
    else enqueue(task)
  }

  const complete = (): void => {
    const op = opcode
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)
    opcode = 0
    parts = []
    if (oversized) {
      const wasCompressed = compressed
      inOrder(() => {
        report(`message over ${max} bytes skipped`)
        // Its bytes never reach the inflater, so the window the peer keeps is lost here (once
        // the messages ahead of it are inflated).
        if (wasCompressed) inflater?.reset()
      })
      return
    }
    if (!compressed) {
      inOrder(() => deliver(op, data))
      return
    }
    if (inflater === null) {
      inOrder(() => report('compressed (rsv1) message without negotiated permessage-deflate'))
      return
    }
    enqueue(async () => {
      const r = await inflater.inflate(data)
      if ('data' in r) deliver(op, r.data)
      else report(r.error)
    })
  }

  return {
    push(frame) {
      if (ended || frame.opcode >= 8) return
      if (frame.opcode !== 0) {
        if (opcode !== 0) report('new message before the previous one finished; dropped it')
        opcode = frame.opcode
        compressed = frame.rsv1
        oversized = false
        parts = []
        size = 0
      } else if (opcode === 0) {
        report('continuation frame outside a message')
        return
      }
      if (!oversized && (frame.oversized || size + frame.payload.length > max)) {
        oversized = true
        parts = []
      }
      if (!oversized && frame.payload.length > 0) {
        parts.push(frame.payload)
        size += frame.payload.length
      }
      if (frame.fin) complete()
    },
    async end() {
      ended = true
      await queue.idle()
      inflater?.close()
    },
  }
}
