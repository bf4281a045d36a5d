import { afterAll, describe, expect, test } from 'bun:test'
import * as zlib from 'node:zlib'
import { createBodyDecoder, type DecodeResult } from './body-decoder.ts'

const unhandled: unknown[] = []
const onUnhandled = (e: unknown): void => {
  unhandled.push(e)
}
process.on('unhandledRejection', onUnhandled)
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
})

/** ~40 KB of SSE-like text: compressible, but not trivially so. */
function sample(bytes = 40_000): Uint8Array {
  let seed = 7
  let s = ''
  while (s.length < bytes) {
    seed = (seed * 1103515245 + 12345) >>> 0
    s += `data: {"type":"delta","i":${seed % 9973},"text":"tok${(seed >> 8) % 1000}"}\n\n`
  }
  return new TextEncoder().encode(s.slice(0, bytes))
}

function split(buf: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = []
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size))
  return parts
}

async function decode(
  contentEncoding: string | undefined,
  input: Uint8Array,
  opts: { chunk?: number; max?: number } = {},
): Promise<{ out: Uint8Array; result: DecodeResult; calls: number }> {
  const parts: Uint8Array[] = []
  const dec = createBodyDecoder({
    contentEncoding,
    maxOutputBytes: opts.max ?? 1 << 24,
    onData: (c) => {
      parts.push(c.slice())
    },
  })
  for (const c of split(input, opts.chunk ?? 4096)) dec.write(c)
  const result = await dec.end()
  return { out: Buffer.concat(parts), result, calls: parts.length }
}

const data = sample()
const encoders: Record<string, (b: Uint8Array) => Uint8Array> = {
  gzip: (b) => zlib.gzipSync(b),
  'x-gzip': (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
  zstd: (b) => zlib.zstdCompressSync(b),
}

describe('round trips', () => {
  for (const [coding, encode] of Object.entries(encoders)) {
    test(`${coding} in chunks of 1, 3, 100, 4096 and whole`, async () => {
      const body = encode(data)
      for (const chunk of [1, 3, 100, 4096, body.length]) {
        const { out, result } = await decode(coding, body, { chunk })
        expect(result).toEqual({ outputBytes: data.length, truncated: false, error: null })
        expect(out).toEqual(data)
      }
    })
  }

  test('raw deflate sent as Content-Encoding: deflate is detected', async () => {
    const body = zlib.deflateRawSync(data)
    for (const chunk of [1, 2, 5000]) {
      const { out, result } = await decode('deflate', body, { chunk })
      expect(result.error).toBeNull()
      expect(out).toEqual(data)
    }
  })

  test('identity and absent pass chunks through without copying', async () => {
    for (const coding of [undefined, 'identity', '', ' Identity ']) {
      const seen: Uint8Array[] = []
      const dec = createBodyDecoder({
        contentEncoding: coding,
        maxOutputBytes: 1e9,
        onData: (c) => seen.push(c),
      })
      const parts = split(data, 1000)
      for (const p of parts) dec.write(p)
      expect(await dec.end()).toEqual({ outputBytes: data.length, truncated: false, error: null })
      expect(seen.length).toBe(parts.length)
      expect(seen.every((c, i) => c === parts[i])).toBe(true)
    }
  })

  test('codings are case-insensitive', async () => {
    const { out, result } = await decode('GZIP', zlib.gzipSync(data))
    expect(result.error).toBeNull()
    expect(out).toEqual(data)
  })

  test('stacked encodings decode in reverse order', async () => {
    const gzThenBr = zlib.brotliCompressSync(zlib.gzipSync(data))
    expect((await decode('gzip, br', gzThenBr, { chunk: 7 })).out).toEqual(data)
    // raw deflate as the inner coding exercises the zlib/raw sniff inside the chain
    const rawThenZstd = zlib.zstdCompressSync(zlib.deflateRawSync(data))
    const r = await decode('deflate,identity,zstd', rawThenZstd, { chunk: 1 })
    expect(r.result.error).toBeNull()
    expect(r.out).toEqual(data)
  })

  test('an empty body with a coding is not an error', async () => {
    for (const coding of ['gzip', 'deflate', 'gzip, br']) {
      const { result, calls } = await decode(coding, new Uint8Array(0))
      expect(result).toEqual({ outputBytes: 0, truncated: false, error: null })
      expect(calls).toBe(0)
    }
  })
})

describe('bounds', () => {
  test('output stops at maxOutputBytes and is flagged truncated', async () => {
    for (const coding of ['gzip', 'br', 'zstd', undefined]) {
      const body = coding === undefined ? data : encoders[coding]!(data)
      const { out, result } = await decode(coding, body, { chunk: 512, max: 10_000 })
      expect(result).toEqual({ outputBytes: 10_000, truncated: true, error: null })
      expect(out).toEqual(data.subarray(0, 10_000))
    }
  })

  test('a body exactly at the bound is not truncated', async () => {
    const { result } = await decode('gzip', zlib.gzipSync(data), { max: data.length })
    expect(result).toEqual({ outputBytes: data.length, truncated: false, error: null })
  })

  test('writes after truncation are ignored', async () => {
    let calls = 0
    const dec = createBodyDecoder({
      contentEncoding: undefined,
      maxOutputBytes: 10,
      onData: () => calls++,
    })
    dec.write(new Uint8Array(20))
    dec.write(new Uint8Array(20))
    expect(await dec.end()).toEqual({ outputBytes: 10, truncated: true, error: null })
    expect(calls).toBe(1)
  })

  test('a 4 GiB gzip bomb stops at the bound without growing memory', async () => {
    const member = zlib.gzipSync(new Uint8Array(1 << 20), { level: 9 })
    const bomb = Buffer.concat(Array.from({ length: 4096 }, () => member)) // 4 GiB of zeros
    Bun.gc(true)
    const rss0 = process.memoryUsage().rss
    let out = 0
    const dec = createBodyDecoder({
      contentEncoding: 'gzip',
      maxOutputBytes: 1 << 20,
      onData: (c) => {
        out += c.length
      },
    })
    for (const c of split(bomb, 16_384)) dec.write(c)
    const result = await dec.end()
    expect(result).toEqual({ outputBytes: 1 << 20, truncated: true, error: null })
    expect(out).toBe(1 << 20)
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 << 20)
  })
})

describe('failures never throw', () => {
  test('corrupt input sets error', async () => {
    for (const coding of ['gzip', 'deflate', 'br', 'zstd', 'gzip, br']) {
      const { result } = await decode(
        coding,
        new TextEncoder().encode('this is not compressed at all'),
      )
      expect(result.truncated).toBe(false)
      expect(result.error).toStartWith(`${coding.split(',').at(-1)!.trim()}: `)
    }
  })

  test('a cut-off body keeps what was decoded and reports the error', async () => {
    const body = zlib.gzipSync(data)
    const { out, result } = await decode('gzip', body.subarray(0, body.length >> 1), { chunk: 100 })
    expect(result.error).toBe('gzip: unexpected end of file')
    expect(out.length).toBeGreaterThan(0)
    expect(out).toEqual(data.subarray(0, out.length))
  })

  test('a lone deflate byte is an unexpected end', async () => {
    const { result } = await decode('deflate', new Uint8Array([0x78]))
    expect(result.error).toBe('deflate: unexpected end of file')
  })

  test('unknown coding: error and no output', async () => {
    for (const coding of ['compress', 'gzip, sdch']) {
      const name = coding.split(',').at(-1)!.trim()
      const { result, calls } = await decode(coding, zlib.gzipSync(data))
      expect(result).toEqual({
        outputBytes: 0,
        truncated: false,
        error: `unsupported content-encoding: ${name}`,
      })
      expect(calls).toBe(0)
    }
  })

  test('a throwing onData is contained', async () => {
    const dec = createBodyDecoder({
      contentEncoding: 'gzip',
      maxOutputBytes: 1e9,
      onData: () => {
        throw new Error('boom')
      },
    })
    dec.write(zlib.gzipSync(data))
    const result = await dec.end()
    expect(result.error).toBe('onData threw: boom')
    expect(await dec.end()).toBe(result)
  })
})
