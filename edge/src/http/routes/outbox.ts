// What the ERP-bound outbox holds (admin): rows waiting per lane, the oldest one's age on the
// server clock, the highest sequence written, and rows per type. The same depth and age are on
// /metrics (edge_outbox_rows, edge_outbox_oldest_age_seconds).

import type { FastifyInstance } from 'fastify'
import { SENDER_STATES } from '../../outbox/sender.js'
import { OutboxRows } from '../../store/outbox-rows.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

export async function outboxRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  const rows = new OutboxRows(deps.db)
  const ageS = (at: string | null): number | null => at === null ? null : Math.max(0, Math.round((deps.clock.now() - Date.parse(at)) / 1000))
  deps.metrics.beforeScrape.push(() => {
    deps.metrics.outboxBytes.set(deps.outboxBudget.status().bytes)
    for (const l of rows.depth()) {
      deps.metrics.outboxRows.set({ lane: l.lane }, l.rows)
      deps.metrics.outboxOldestAge.set({ lane: l.lane }, ageS(l.oldestCreatedAt) ?? 0)
    }
    const sender = deps.sender.status()
    deps.metrics.outboxAckedSeq.set(sender.lastAckedSeq ?? 0)
    deps.metrics.outboxFailures.set(sender.failures)
    for (const state of SENDER_STATES) deps.metrics.outboxSenderState.set({ state }, sender.state === state ? 1 : 0)
    deps.metrics.outboxLastErrorAt.set(sender.lastError === null ? 0 : Date.parse(sender.lastError.at) / 1000)
  })

  app.get('/api/v1/outbox', {
    onRequest: admin,
    schema: {
      tags: ['operations'],
      summary: 'ERP-bound rows waiting to be sent: per lane (rows, oldest age, highest seq) and per type',
      response: {
        200: {
          type: 'object',
          properties: {
            total: { type: 'integer' },
            lanes: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  lane: { type: 'string' },
                  rows: { type: 'integer' },
                  oldestCreatedAt: { type: ['string', 'null'] },
                  oldestAgeS: { type: ['integer', 'null'], description: 'seconds of the server clock' },
                  highestSeq: { type: ['integer', 'null'] }
                }
              }
            },
            byType: { type: 'object', additionalProperties: { type: 'integer' } },
            budget: { type: 'object', properties: { level: { type: 'string', enum: ['ok', 'warn', 'full'] }, bytes: { type: 'integer' }, budgetBytes: { type: 'integer' }, droppedTelemetry: { type: 'integer' } } },
            heartbeat: { type: 'object', properties: { lastAt: { type: ['string', 'null'] }, lastOk: { type: ['boolean', 'null'] }, lastStatus: { type: ['integer', 'null'] }, sent: { type: 'integer' } } },
            sender: { type: 'object', additionalProperties: true, description: 'off | idle | sending | backoff | refused; failures in a row, next attempt, last acknowledged batch, last error' }
          }
        },
        ...errorResponses
      }
    }
  }, async () => {
    const lanes = rows.depth().map((l) => ({ ...l, oldestAgeS: ageS(l.oldestCreatedAt) }))
    return { total: lanes.reduce((a, l) => a + l.rows, 0), lanes, byType: rows.byTypeCounts(), budget: deps.outboxBudget.check(), sender: deps.sender.status(), heartbeat: deps.heartbeat.status() }
  })
}
