// drizzle schema: the single source of truth for the Postgres store (docs/ARCHITECTURE.md §6).
// `bunx drizzle-kit generate` turns changes here into SQL migrations in packages/shared/drizzle.
//
// usage_events is partitioned by month of started_at (PARTITION BY RANGE, one partition per UTC
// month, named usage_events_YYYY_MM): drizzle cannot say so, so migration 0008 is custom SQL and
// db/partitions.ts creates partitions ahead of time and drops expired ones. A partitioned table's
// primary key must hold the partition key: (id, started_at).
//
// Rollup key columns (provider, model, user, project, program) are NOT NULL with '' standing
// for "unknown": a plain unique key then works on any Postgres version (no NULLS NOT DISTINCT)
// and GROUP BY / equality queries need no NULL handling. Readers render '' as "(none)".

import { sql } from 'drizzle-orm'
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
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import type { LimitWindows } from '../accounts/types.ts'
import type { BilledUnits, SubUsage } from '../billing.ts'
import type { BillingKind, Outcome, Transport, UsageSource } from '../usage.ts'

import { key, measureColumns, tokens, tstz } from './measures.ts'

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
    // Sessions and sub-agents (identity/client-ids.ts in the proxy).
    /** X-Tokentap-Session, else the client's own session id; NULL when neither was sent. */
    session: text('session'),
    /** Sub-agent id; NULL on a session's main thread. */
    agent: text('agent'),
    /** Sub-agent kind (general-purpose, collab_spawn, …); NULL when not sent. */
    agentType: text('agent_type'),
    // --- Billing kind and account (issue 16) ---
    /** 'api_key' | 'subscription' | 'unknown' (from the credential's kind; unknown = billed). */
    billingKind: text('billing_kind').$type<BillingKind>().notNull().default('unknown'),
    /** Keyed fingerprint of the credential (identity/account-key.ts); NULL = none sent. */
    account: text('account'),
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
    // --- Billed units beyond the token buckets (packages/shared/src/billing.ts, issue 14).
    /** The tier the provider billed, as it spells it (standard, priority, batch, flex …). */
    serviceTier: text('service_tier'),
    /** Anthropic usage.inference_geo (US-only inference is priced apart). */
    inferenceGeo: text('inference_geo'),
    /** Anthropic usage.speed (fast mode is priced apart). */
    speed: text('speed'),
    /** Every billed unit beyond the buckets, {kind: count}; NULL when none was reported. */
    units: jsonb('units').$type<BilledUnits>(),
    /** Usage of other models inside the exchange (Anthropic advisor iterations). */
    subUsage: jsonb('sub_usage').$type<SubUsage[]>(),
    /** = units.input_audio_tokens / output_audio_tokens / web_searches, as columns to sum. */
    audioInputTokens: tokens('audio_input_tokens'),
    audioOutputTokens: tokens('audio_output_tokens'),
    webSearches: tokens('web_searches'),
    /** Units the price table has no price for; cost_usd is then the priced part only. */
    unpricedUnits: jsonb('unpriced_units').$type<string[]>(),
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
    // A session's events (its page, the event log filtered by session); partial: most
    // non-agent traffic has no session.
    index('usage_events_session_started_at_idx')
      .on(t.session, t.startedAt)
      .where(sql`${t.session} is not null`),
  ],
)

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
    ...measureColumns(),
  },
  (t) => [
    // Leads with hour, so it also serves time-range scans.
    unique('usage_rollup_hourly_key').on(t.hour, t.provider, t.model, t.user, t.project, t.program),
  ],
)

/** A session's tokens (SessionRow's input + output + cache read + cache writes), the sort key of
 *  the Sessions list's `tokens` order and of usage_sessions_tokens_idx: the same text in both, so
 *  the planner matches the index expression. */
export const SESSION_TOKEN_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
] as const
export const SESSION_TOKENS_SQL = SESSION_TOKEN_COLUMNS.join(' + ')

// Sessions: one row per session, its whole totals, folded by the writer in the statement that
// inserts the events (sessions.ts), so replicas add up exactly, as the hourly rollup does.
/** Totals per session (usage_events.session) over all its requests; NULL user etc. = none. */
export const usageSessions = pgTable(
  'usage_sessions',
  {
    session: text('session').primaryKey(),
    firstAt: tstz('first_at').notNull(),
    lastAt: tstz('last_at').notNull(),
    /** The smallest and largest value among the session's requests (equal: one value). */
    userMin: text('user_min'),
    userMax: text('user_max'),
    projectMin: text('project_min'),
    projectMax: text('project_max'),
    programMin: text('program_min'),
    programMax: text('program_max'),
    ...measureColumns(),
  },
  // The Sessions list (dashboard data/sessions.ts): sessions active in a range (last_at >= from,
  // first_at < to) in one of SESSION_SORTS' orders, the first `limit`. One index per order, its
  // keys exactly the ORDER BY (DESC = NULLS FIRST, as the query's), so the list walks the order
  // and stops at `limit` instead of sorting every session in the range; last_at and first_at
  // trail the unique key (they change no order) so the range test needs no heap visit (an
  // index-only scan). A narrow range is still read through last_at (the planner chooses).
  (t) => [
    index('usage_sessions_last_at_idx').on(t.lastAt.desc().nullsFirst(), t.session, t.firstAt),
    index('usage_sessions_cost_idx').on(
      t.costUsd.desc().nullsFirst(),
      t.requests.desc().nullsFirst(),
      t.session,
      t.lastAt,
      t.firstAt,
    ),
    index('usage_sessions_requests_idx').on(
      t.requests.desc().nullsFirst(),
      t.costUsd.desc().nullsFirst(),
      t.session,
      t.lastAt,
      t.firstAt,
    ),
    index('usage_sessions_tokens_idx').on(
      sql`(${sql.raw(SESSION_TOKENS_SQL)}) desc nulls first`,
      t.costUsd.desc().nullsFirst(),
      t.session,
      t.lastAt,
      t.firstAt,
    ),
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

/** Rate-limit and subscription windows per account (issue 16, part 2): the latest reading of
 *  each window the provider reported, the last user, and the 429s seen. One row per account
 *  fingerprint, upserted by the proxy's writer in each flush (sink/pg-accounts.ts): newer
 *  readings win by observed_at, so replicas agree whatever order their flushes commit in. */
export const accountLimits = pgTable('account_limits', {
  /** Keyed fingerprint of the credential (never the secret). */
  account: text('account').primaryKey(),
  provider: text('provider').notNull(),
  billingKind: text('billing_kind').$type<BillingKind>().notNull(),
  lastUser: text('last_user'),
  firstSeenAt: tstz('first_seen_at').notNull(),
  lastSeenAt: tstz('last_seen_at').notNull(),
  /** Window name → its latest reading (accounts/types.ts LimitWindow). */
  windows: jsonb('windows').$type<LimitWindows>().notNull().default({}),
  /** The provider's overall standing when it sends one (Claude: allowed | allowed_warning |
   *  rejected). */
  status: text('status'),
  /** When the latest reading was taken (the response head's arrival). */
  observedAt: tstz('observed_at'),
  /** 429 answers (or rate-limit errors on a WebSocket) seen for this account. */
  count429: bigint('count_429', { mode: 'number' }).notNull().default(0),
  last429At: tstz('last_429_at'),
  /** Start of the current run of 429s: the first after a quiet spell (pg-accounts.ts). */
  limitedSince: tstz('limited_since'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
})

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
export type UsageSessionRow = typeof usageSessions.$inferSelect

/** Channel the writer NOTIFYs after each committed flush; payload is NotifyPayload JSON. */
export const USAGE_CHANNEL = 'tokentap_usage'
export interface NotifyPayload {
  count: number
  firstId: string
  lastId: string
}
/** What `tokentap reprice` NOTIFYs on USAGE_CHANNEL after each committed batch (issue 14): stored
 *  rows changed in place, so readers drop what they cached of closed hours. */
export interface RepriceNotice {
  repriced: number
}

/** The dashboard's read-only group role: migration 0001 creates it (when the migrating user may)
 *  and grants it SELECT; the proxy's migrate step (provision.ts) adds its login member. */
export const DASHBOARD_ROLE = 'tokentap_dashboard'
