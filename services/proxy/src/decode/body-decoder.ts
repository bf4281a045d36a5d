// Bounded streaming decoder for HTTP bodies (Content-Encoding), feeding parsers their copy.
// Decompression runs on Bun's native DecompressionStream (gzip, deflate, brotli, zstd): measured
// 3-8x faster than node:zlib streams in Bun 1.4.5 and it respects backpressure inside a chunk,
// so a bomb only ever inflates one bounded read ahead of the consumer.

import { errorText } from '@tokentap/shared'
import { type DecodeStep, isZlibHeader, parseContentEncoding } from './encoding.ts'

export interface DecodeResult {
  outputBytes: number
  truncated: boolean
  error: string | null
}

export interface BodyDecoderOptions {
  contentEncoding: string | undefined
  /** Output past this many bytes is dropped, decoding stops and the result is `truncated`. */
  maxOutputBytes: number
  /**
   * Decoded bytes, in order. Identity bodies get views of the written chunks (no copy), so
   * callers must not mutate a chunk after `write`.
   */
  onData: (chunk: Uint8Array) => void
}

export interface BodyDecoder {
  /** Queues a chunk; never throws and never waits for decompression. */
  write(chunk: Uint8Array): void
  /** Input is complete; resolves once everything decodable was emitted (or decoding stopped). */
  end(): Promise<DecodeResult>
}

interface Sink {
  /** Returns a promise when the caller should wait before writing more (backpressure). */
  write(chunk: Uint8Array): Promise<void> | undefined
  close(): void
}

const noop = (): void => {}

// The slice of the web stream API used here (bun-types and @types/node disagree on the full one).
interface Writer {
  readonly desiredSize: number | null
  readonly ready: Promise<void>
  write(chunk: Uint8Array<ArrayBuffer>): Promise<void>
  close(): Promise<void>
  abort(): Promise<void>
}
interface Reader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>
  cancel(): Promise<void>
}

/** One decompression step; its stream is created on the first input byte(s). */
class Stage implements Sink {
  private writer: Writer | null = null
  private reader: Reader | null = null
  /** First byte of a deflate stream, kept until the second one decides zlib vs raw. */
  private head: Uint8Array | null = null

  constructor(
    private readonly step: DecodeStep,
    private readonly next: Sink,
    private readonly fail: (error: string) => void,
  ) {}

  write(chunk: Uint8Array): Promise<void> | undefined {
    let input: Uint8Array | null = chunk
    if (this.writer === null) {
      if (chunk.length === 0) return undefined
      input = this.start(chunk)
    }
    const writer = this.writer
    if (input === null || writer === null) return undefined
    // Typed for ArrayBuffer only to exclude SharedArrayBuffer views; socket bytes never are one.
    writer.write(input as Uint8Array<ArrayBuffer>).catch(noop)
    const room = writer.desiredSize
    return room !== null && room <= 0 ? writer.ready : undefined
  }

  close(): void {
    if (this.writer !== null) this.writer.close().catch(noop)
    else if (this.head !== null) this.fail(`${this.step.coding}: unexpected end of file`)
    else this.next.close()
  }

  cancel(): void {
    this.reader?.cancel().catch(noop)
    this.writer?.abort().catch(noop)
  }

  private start(chunk: Uint8Array): Uint8Array | null {
    let input = chunk
    let format: Bun.CompressionFormat = this.step.format
    if (format === 'deflate') {
      if (this.head !== null) {
        input = new Uint8Array(1 + chunk.length)
        input.set(this.head)
        input.set(chunk, 1)
        this.head = null
      }
      if (input.length < 2) {
        this.head = input.slice()
        return null
      }
      format = isZlibHeader(input[0]!, input[1]!) ? 'deflate' : 'deflate-raw'
    }
    const stream = new DecompressionStream(format)
    const writer: Writer = stream.writable.getWriter()
    const reader: Reader = stream.readable.getReader()
    this.writer = writer
    this.reader = reader
    void this.pump(reader)
    return input
  }

  private async pump(reader: Reader): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done || value === undefined) break
        const wait = this.next.write(value)
        if (wait !== undefined) await wait
      }
      this.next.close()
    } catch (e) {
      this.fail(`${this.step.coding}: ${errorText(e)}`)
    }
  }
}

export function createBodyDecoder(opts: BodyDecoderOptions): BodyDecoder {
  const { maxOutputBytes, onData } = opts
  let outputBytes = 0
  let truncated = false
  let error: string | null = null
  let running = true
  let ended = false
  const stages: Stage[] = []
  let resolveDone: (r: DecodeResult) => void = noop
  const done = new Promise<DecodeResult>((resolve) => {
    resolveDone = resolve
  })

  const stop = (): void => {
    if (!running) return
    running = false
    for (const stage of stages) stage.cancel()
    resolveDone({ outputBytes, truncated, error })
  }
  const fail = (e: string): void => {
    if (!running) return
    error = e
    stop()
  }
  const deliver = (chunk: Uint8Array): void => {
    try {
      onData(chunk)
    } catch (e) {
      fail(`onData threw: ${errorText(e)}`)
    }
  }

  const sink: Sink = {
    write(chunk) {
      if (!running || chunk.length === 0) return undefined
      const room = maxOutputBytes - outputBytes
      if (chunk.length > room) {
        if (room > 0) {
          outputBytes += room
          deliver(chunk.subarray(0, room))
        }
        truncated = true
        stop()
        return undefined
      }
      outputBytes += chunk.length
      deliver(chunk)
      return undefined
    },
    close: stop,
  }

  const parsed = parseContentEncoding(opts.contentEncoding)
  let first: Sink = sink
  if ('unsupported' in parsed) {
    fail(`unsupported content-encoding: ${parsed.unsupported}`)
  } else {
    for (let i = parsed.steps.length - 1; i >= 0; i--) {
      const stage: Stage = new Stage(parsed.steps[i]!, first, fail)
      stages.push(stage)
      first = stage
    }
  }

  return {
    write(chunk) {
      if (!running || ended) return
      try {
        first.write(chunk)
      } catch (e) {
        fail(errorText(e))
      }
    },
    end() {
      if (!ended) {
        ended = true
        try {
          if (running) first.close()
        } catch (e) {
          fail(errorText(e))
        }
      }
      return done
    },
  }
}
