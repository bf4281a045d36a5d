// Runs docker-smoke.sh (a real Docker engine: both builders, the compose stack, its checks) when
// TOKENTAP_DOCKER_SMOKE=1 — .ci/run sets it; the script installs and starts what it needs, as
// root on Debian. Without it the test is skipped, and says so: `bun run test` on a developer's
// machine stays free of Docker. The offline checks of the same files: compose.test.ts,
// dockerfile.test.ts, image-steps.test.ts.

import { expect, test } from 'bun:test'
import { join } from 'node:path'

const enabled = process.env.TOKENTAP_DOCKER_SMOKE === '1'
if (!enabled) {
  process.stderr.write(
    'docker smoke SKIPPED: set TOKENTAP_DOCKER_SMOKE=1 to build the images and run the compose stack in a real Docker engine (scripts/deploy/docker-smoke.sh)\n',
  )
}

test.skipIf(!enabled)(
  'docker-smoke.sh: both images build with each builder; the compose stack records requests',
  async () => {
    const proc = Bun.spawn(['bash', join(import.meta.dir, 'docker-smoke.sh')], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    let output = ''
    const pump = async (stream: ReadableStream<Uint8Array>, to: NodeJS.WriteStream) => {
      for await (const chunk of stream) {
        const text = new TextDecoder().decode(chunk)
        output += text
        to.write(text)
      }
    }
    const [code] = await Promise.all([
      proc.exited,
      pump(proc.stdout, process.stdout),
      pump(proc.stderr, process.stderr),
    ])
    expect(output).toMatch(/docker smoke: (\d+) of \1 checks ok, 0 failed/)
    expect(code).toBe(0)
  },
  1_800_000,
)
