// Proof that an image holds no host CA certificate and no secret: the layers a build added on
// top of its base image (docker save) and its history and config are searched for needles —
// one 64-character base64 line from the middle of each certificate of the host's bundle, and
// this run's secrets. grep -F does the searching (many needles, hundreds of MB).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { must, run } from './run.ts'

/** The base64 bodies of the PEM certificates in `pem`, one string of lines each. */
export function pemBodies(pem: string): string[][] {
  const out: string[][] = []
  for (const m of pem.matchAll(
    /-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g,
  )) {
    out.push(
      (m[1] ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    )
  }
  return out
}

/** One full 64-character line from the middle of each certificate: unique to it in practice,
 *  and found whatever file or layer it was copied into. */
export function certNeedles(pem: string): string[] {
  const needles = new Set<string>()
  for (const lines of pemBodies(pem)) {
    const full = lines.filter((l) => l.length === 64)
    const pick = full[Math.floor(full.length / 2)]
    if (pick) needles.add(pick)
  }
  return [...needles]
}

export interface LayerScan {
  image: string
  /** Layers added on top of the base image. */
  layers: number
  /** Needle labels found, e.g. "host CA certificate #12 in layer 3", "secret DASHBOARD_API_KEY in history". */
  found: string[]
}

/** Searches what `image` adds to `base` for the needles (label → text). */
export async function scanImage(
  docker: string,
  image: string,
  base: string,
  needles: Map<string, string>,
): Promise<LayerScan> {
  const inspect = async (img: string) =>
    JSON.parse((await must([docker, 'image', 'inspect', img])).out) as {
      RootFS: { Layers: string[] }
    }[]
  const baseLayers = (await inspect(base))[0]?.RootFS.Layers ?? []
  const tmp = mkdtempSync(join(tmpdir(), 'tokentap-smoke-layers-'))
  try {
    const tar = join(tmp, 'image.tar')
    await must([docker, 'save', '-o', tar, image])
    await must(['tar', '-xf', tar, '-C', tmp])
    rmSync(tar)
    const manifest = JSON.parse(readFileSync(join(tmp, 'manifest.json'), 'utf8')) as {
      Layers: string[]
    }[]
    const layers = manifest[0]?.Layers ?? []
    if (layers.slice(0, baseLayers.length).length !== baseLayers.length) {
      throw new Error(`${image} has fewer layers than its base ${base}`)
    }
    const added = layers.slice(baseLayers.length)
    const texts = [...needles.values()]
    const labelOf = new Map([...needles].map(([label, text]) => [text, label]))
    writeFileSync(join(tmp, 'needles'), `${texts.join('\n')}\n`)
    const found: string[] = []
    const grep = async (file: string, where: string) => {
      // -a: layers are binary tars; -o prints each needle found.
      const r = await run(['grep', '-a', '-o', '-F', '-f', join(tmp, 'needles'), file])
      if (r.code > 1) throw new Error(`grep ${file}: ${r.err}`)
      for (const hit of new Set(r.out.split('\n').filter((l) => l !== ''))) {
        found.push(`${labelOf.get(hit) ?? 'needle'} in ${where}`)
      }
    }
    for (const [i, layer] of added.entries()) {
      await grep(join(tmp, layer), `layer ${baseLayers.length + i + 1}`)
    }
    const history = await must([
      docker,
      'history',
      '--no-trunc',
      '--format',
      '{{.CreatedBy}}',
      image,
    ])
    writeFileSync(join(tmp, 'history.txt'), history.out)
    await grep(join(tmp, 'history.txt'), 'history')
    writeFileSync(join(tmp, 'config.json'), (await must([docker, 'image', 'inspect', image])).out)
    await grep(join(tmp, 'config.json'), 'image config')
    return { image, layers: added.length, found }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
