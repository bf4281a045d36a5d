// The response body's two side paths in an exchange: the rewrite filter (when the request was
// rewritten, the client gets a filtered, re-framed body instead of the raw one) and the decoded
// copy handed to the provider parser (content-encoding undone, bounded).

import type { BodyFilter, ExchangeParser } from '@tokentap/shared'
import { type BodyDecoder, createBodyDecoder } from '../decode/body-decoder.ts'
import { headerMap, type ResponseHead } from '../http1/head.ts'
import { FilteredBody } from './rewrite.ts'

export class ResponseCopy {
  private decoder: BodyDecoder | null = null
  private filtered: FilteredBody | null = null

  constructor(
    private readonly parser: ExchangeParser | null,
    private readonly maxDecodedBytes: number,
    private readonly writeClient: (b: Buffer) => void,
  ) {}

  /** The body goes to the client through the filter (only head bytes pass as they are). */
  get filtering(): boolean {
    return this.filtered !== null
  }

  head(head: ResponseHead, filter: BodyFilter | null): void {
    this.filtered = FilteredBody.for(filter, head, this.writeClient)
    const parser = this.parser
    if (!parser) return
    const headers = headerMap(head.headers)
    parser.onResponseHead(head.status, headers)
    this.decoder = createBodyDecoder({
      contentEncoding: headers['content-encoding'],
      maxOutputBytes: this.maxDecodedBytes,
      onData: (c) => parser.pushResponse(c),
    })
  }

  payload(chunks: Uint8Array[]): void {
    for (const c of chunks) {
      this.filtered?.push(c)
      this.decoder?.write(c)
    }
  }

  /** The response is complete: the filter writes what it still held and the last chunk. */
  endFiltered(): void {
    this.filtered?.end()
  }

  /** Settles when the parser has the whole decoded copy. */
  decoded(): Promise<unknown> | undefined {
    return this.decoder?.end()
  }
}
