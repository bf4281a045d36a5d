// A Docker build context without Docker: the repository's files as CI sees them
// (@tokentap/testing repositoryFiles), filtered by .dockerignore as the classic builders apply it
// (dockerignore.ts).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repositoryFiles } from '@tokentap/testing'
import { dockerignoreFilter } from './dockerignore.ts'

/** The files of `root` that a build from it receives (its .dockerignore applied). */
export function contextFiles(root: string): string[] {
  const inContext = dockerignoreFilter(readFileSync(join(root, '.dockerignore'), 'utf8'))
  return repositoryFiles(root).filter(inContext)
}
