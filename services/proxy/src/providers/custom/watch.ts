// Live reload of the TOKENTAP_PROVIDERS file (watchConfigFile: directory watch, debounced; a bad
// edit is reported through onError and the last good config stays in force).

import { watchConfigFile } from '@tokentap/shared'
import { loadProvidersConfig, type ProvidersConfig } from './config.ts'

export function watchProvidersConfig(
  path: string,
  onChange: (config: ProvidersConfig) => void,
  onError: (error: unknown) => void,
): () => void {
  return watchConfigFile(path, loadProvidersConfig, onChange, onError)
}
