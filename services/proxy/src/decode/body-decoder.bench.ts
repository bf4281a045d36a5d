// Throughput of createBodyDecoder on a 1 MiB gzip body fed in small chunks, next to a plain
// node:zlib createGunzip stream for reference. Run: bun services/proxy/src/decode/body-decoder.bench.ts

import * as zlib from 'node:zlib'
import { createBodyDecoder } from './body-decoder.ts'

let seed = 1
let text = ''
while (text.length < 1 << 20) {
  seed = (seed * 1103515245 + 12345) >>> 0
  text += `data: {"type":"content_block_delta","index":${seed % 97},"delta":{"text":"w${seed % 50021}"}}\n\n`
}
const body = Buffer.from(text.slice(0, 1 << 20))
const gz = zlib.gzipSync(body)

const chunks = (size: number): Uint8Array[] => {
  const out: Uint8Array[] = []
  for (let i = 0; i < gz.length; i += size) out.push(gz.subarray(i, i + size))
  return out
}

async function viaDecoder(parts: Uint8Array[]): Promise<number> {
  let n = 0
  const dec = createBodyDecoder({
    contentEncoding: 'gzip',
    maxOutputBytes: 1 << 30,
    onData: (c) => {
      n += c.length
    },
  })
  for (const p of parts) dec.write(p)
  await dec.end()
  return n
}

async function viaNodeZlib(parts: Uint8Array[]): Promise<number> {
  let n = 0
  const s = zlib.createGunzip()
  const done = new Promise((resolve) => s.on('end', resolve))
  s.on('data', (c: Buffer) => {
    n += c.length
  })
  for (const p of parts) s.write(p)
  s.end()
  await done
  return n
}

console.log(`body ${body.length} B, gzip ${gz.length} B`)
for (const [name, run] of [
  ['createBodyDecoder', viaDecoder],
  ['node:zlib gunzip', viaNodeZlib],
] as const) {
  for (const size of [256, 1024, 4096, 16384]) {
    const parts = chunks(size)
    for (let i = 0; i < 5; i++) await run(parts)
    const runs = 30
    const t = performance.now()
    for (let i = 0; i < runs; i++) {
      if ((await run(parts)) !== body.length) throw new Error('short output')
    }
    const ms = (performance.now() - t) / runs
    const mbps = body.length / 2 ** 20 / (ms / 1000)
    console.log(
      `${name.padEnd(18)} ${String(size).padStart(5)} B chunks: ${ms.toFixed(2)} ms/MiB, ${mbps.toFixed(0)} MiB/s`,
    )
  }
}
