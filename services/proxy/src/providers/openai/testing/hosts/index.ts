// One case per OpenAI-compatible host of the provider table (compat-hosts.test.ts).

import { azureCase } from './azure.ts'
import type { HostCase } from './case.ts'
import { copilotCase } from './copilot.ts'
import { deepseekCase } from './deepseek.ts'
import { groqCase } from './groq.ts'
import { mistralCase } from './mistral.ts'
import { openrouterCase } from './openrouter.ts'
import { xaiCase } from './xai.ts'

export type { HostCase } from './case.ts'
export { MISTRAL_EXTRA_FIELD_422 } from './mistral.ts'

export const hostCases: HostCase[] = [
  azureCase,
  openrouterCase,
  groqCase,
  xaiCase,
  deepseekCase,
  mistralCase,
  copilotCase,
]
