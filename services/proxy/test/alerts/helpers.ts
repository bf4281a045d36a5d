// Usage rows for the alert tests, written by the real writer (usage_events + rollups).

import type { UsageRecord } from '@tokentap/shared'
import type postgres from 'postgres'
import { createPartitionKeeper, writePartitioned } from '../../src/sink/partitions.ts'
import { toCells } from '../../src/sink/pg-rows.ts'

export interface Spend {
  at: string
  cost: number | null
  model?: string
  user?: string | null
  project?: string | null
}

export async function spend(sql: postgres.Sql, rows: Spend[]): Promise<void> {
  const records: UsageRecord[] = rows.map((r) => ({
    id: Bun.randomUUIDv7(),
    startedAt: r.at,
    durationMs: 1,
    ttfbMs: null,
    provider: 'anthropic',
    host: 'api.anthropic.com',
    method: 'POST',
    path: '/v1/messages',
    endpoint: 'messages',
    model: r.model ?? 'claude-sonnet-4-5',
    stream: false,
    transport: 'http',
    status: 200,
    outcome: 'ok',
    usageSource: 'provider',
    billable: true,
    responseId: null,
    user: r.user === undefined ? 'alice' : r.user,
    project: r.project ?? null,
    program: 'claude-cli',
    requestBytes: 1,
    responseBytes: 1,
    error: null,
    parseError: null,
    inputTokens: 10,
    outputTokens: 10,
    cacheReadTokens: null,
    cacheWrite5mTokens: null,
    cacheWrite1hTokens: null,
    reasoningTokens: null,
    rawUsage: null,
    costUsd: r.cost,
    credits: null,
    priceSource: r.cost === null ? 'unpriced' : 'genai-prices',
    priceVersion: null,
  }))
  await writePartitioned(sql, createPartitionKeeper(sql), records.map(toCells), 'json', [])
}
