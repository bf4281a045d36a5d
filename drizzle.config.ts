// drizzle-kit config: `bunx drizzle-kit generate` diffs the schema into SQL migrations.
// Migrations are applied by packages/shared/src/db/migrate.ts (advisory-locked), not drizzle-kit.

import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/shared/src/db/schema.ts',
  out: './packages/shared/drizzle',
  strict: true,
  verbose: true,
})
