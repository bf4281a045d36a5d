// Live reload of the TOKENTAP_BUDGETS file (watchConfigFile: directory watch, debounced; a broken
// edit is reported through onError and the last good config stays in force).

import { watchConfigFile } from '../config/watch-file.ts'
import { loadBudgetsFile } from './config.ts'
import type { BudgetsConfig } from './types.ts'

export function watchBudgetsFile(
  path: string,
  onChange: (cfg: BudgetsConfig) => void,
  onError: (e: Error) => void,
): () => void {
  const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)))
  return watchConfigFile(path, loadBudgetsFile, onChange, (e) => onError(asError(e)))
}
