// drizzle schema: the single source of truth for the Postgres store (docs/ARCHITECTURE.md §6).
// `bunx drizzle-kit generate` turns changes here into SQL migrations in packages/shared/drizzle.
//
// usage_events is partitioned by month of started_at (PARTITION BY RANGE, one partition per UTC
// month, named usage_events_YYYY_MM): drizzle cannot say so, so migration 0004 is custom SQL and
// db/partitions.ts creates partitions ahead of time and drops expired ones. A partitioned table's
// primary key must hold the partition key: (id, started_at).
//
// Rollup key columns (provider, model, user, project, program) are NOT NULL with '' standing
// for "unknown": a plain unique key then works on any Postgres version (no NULLS NOT DISTINCT)
// and GROUP BY / equality queries need no NULL handling. Readers render '' as "(none)".

import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import type { Outcome, Transport, UsageSource } from '../usage.ts'

const tokens = (name: string) => bigint(name, { mode: 'number' })
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' })

/** One row per exchange: every UsageRecord field, snake_case, plus pricing columns.
 *  Partitioned by month of started_at (see the header). */
export const usageEvents = pgTable(
  'usage_events',
  {
    /** UUIDv7 minted by the proxy: time-ordered, so id ranges follow time. Unique with
     *  started_at (the primary key); a record's id and startedAt never change. */
    id: uuid('id').notNull(),
    startedAt: tstz('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    ttfbMs: integer('ttfb_ms'),
    provider: text('provider').notNull(),
    host: text('host').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    endpoint: text('endpoint'),
    model: text('model'),
    stream: boolean('stream').notNull(),
    transport: text('transport').$type<Transport>().notNull(),
    status: integer('status'),
    outcome: text('outcome').$type<Outcome>().notNull(),
    usageSource: text('usage_source').$type<UsageSource>().notNull(),
    billable: boolean('billable').notNull(),
    responseId: text('response_id'),
    user: text('user'),
    project: text('project'),
    program: text('program'),
    /** X-Tokentap-Session tag (one agent run / conversation); NULL when not sent. */
    session: text('session'),
    requestBytes: bigint('request_bytes', { mode: 'number' }).notNull(),
    responseBytes: bigint('response_bytes', { mode: 'number' }).notNull(),
    error: text('error'),
    parseError: text('parse_error'),
    inputTokens: tokens('input_tokens'),
    outputTokens: tokens('output_tokens'),
    cacheReadTokens: tokens('cache_read_tokens'),
    cacheWrite5mTokens: tokens('cache_write_5m_tokens'),
    cacheWrite1hTokens: tokens('cache_write_1h_tokens'),
    reasoningTokens: tokens('reasoning_tokens'),
    /** Provider credits (Amazon Q / Kiro); NULL when the provider bills in tokens. */
    credits: numeric('credits'),
    /** NULL = unpriced (unknown model), never 0. Filled by the pricing step. */
    costUsd: numeric('cost_usd', { precision: 14, scale: 8 }),
    priceSource: text('price_source'),
    priceVersion: text('price_version'),
    /** The provider's own usage object, kept for recomputing costs. */
    rawUsage: jsonb('raw_usage'),
    /** When the row reached Postgres (not part of UsageRecord). */
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'usage_events_id_started_at_pk', columns: [t.id, t.startedAt] }),
    index('usage_events_started_at_idx').on(t.startedAt.desc()),
    index('usage_events_user_started_at_idx').on(t.user, t.startedAt),
    index('usage_events_project_started_at_idx').on(t.project, t.startedAt),
    index('usage_events_model_started_at_idx').on(t.model, t.startedAt),
    index('usage_events_provider_started_at_idx').on(t.provider, t.startedAt),
  ],
)

const counter = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0)
const key = (name: string) => text(name).notNull().default('')

/** Hourly sums per (hour, provider, model, user, project, program); '' = unknown. */
export const usageRollupHourly = pgTable(
  'usage_rollup_hourly',
  {
    /** Start of the UTC hour. */
    hour: tstz('hour').notNull(),
    provider: key('provider'),
    model: key('model'),
    user: key('user'),
    project: key('project'),
    program: key('program'),
    requests: counter('requests'),
    /** outcome <> 'ok' */
    errors: counter('errors'),
    billableRequests: counter('billable_requests'),
    inputTokens: counter('input_tokens'),
    outputTokens: counter('output_tokens'),
    cacheReadTokens: counter('cache_read_tokens'),
    cacheWrite5mTokens: counter('cache_write_5m_tokens'),
    cacheWrite1hTokens: counter('cache_write_1h_tokens'),
    reasoningTokens: counter('reasoning_tokens'),
    /** Sum over priced rows only; see unpricedRequests. */
    costUsd: numeric('cost_usd').notNull().default('0'),
    /** billable AND cost_usd IS NULL */
    unpricedRequests: counter('unpriced_requests'),
    /** usage_source = 'estimated' */
    estimatedRequests: counter('estimated_requests'),
    credits: numeric('credits').notNull().default('0'),
  },
  (t) => [
    // Leads with hour, so it also serves time-range scans.
    unique('usage_rollup_hourly_key').on(t.hour, t.provider, t.model, t.user, t.project, t.program),
  ],
)

/** Budget alerts already sent (dedup across proxy replicas). */
export const alertsSent = pgTable(
  'alerts_sent',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    budget: text('budget').notNull(),
    windowStart: tstz('window_start').notNull(),
    threshold: numeric('threshold').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    deliveredAt: tstz('delivered_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [unique('alerts_sent_key').on(t.budget, t.windowStart, t.threshold)],
)

/** Optional body capture (only when enabled; bodies are redacted before insert). event_id is a
 *  usage_events id without a foreign key: the writer inserts a body only beside the event it
 *  inserted, and retention deletes a dropped partition's bodies with it (ARCHITECTURE.md §6). */
export const exchangeBodies = pgTable(
  'exchange_bodies',
  {
    eventId: uuid('event_id').primaryKey(),
    request: text('request'),
    response: text('response'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('exchange_bodies_created_at_idx').on(t.createdAt)],
)

export type UsageEventRow = typeof usageEvents.$inferSelect
export type UsageRollupHourlyRow = typeof usageRollupHourly.$inferSelect

/** Channel the writer NOTIFYs after each committed flush; payload is NotifyPayload JSON. */
export const USAGE_CHANNEL = 'tokentap_usage'
export interface NotifyPayload {
  count: number
  firstId: string
  lastId: string
}

/** The dashboard's read-only group role: migration 0001 creates it (when the migrating user may)
 *  and grants it SELECT; the proxy's migrate step (provision.ts) adds its login member. */
export const DASHBOARD_ROLE = 'tokentap_dashboard'
