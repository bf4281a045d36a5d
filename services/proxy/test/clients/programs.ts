// The `program` each real client is recorded as (identity/program.ts, from its User-Agent). One
// place to update if the names change.

export const PROGRAM = {
  /** `claude-cli/<v> (external, sdk-cli)` on turns, `claude-code/<v>` on side calls. */
  claudeCode: 'claude-code',
  /** `codex_exec/<v> (<os>; <arch>) <terminal> (codex_exec; <v>)`. */
  codex: 'codex',
  /** `GeminiCLI-tui/<v>/<model> (<platform>; <arch>; <surface>)`. */
  geminiCli: 'gemini-cli',
} as const
