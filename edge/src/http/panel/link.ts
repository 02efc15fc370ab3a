// The link to headquarters as the panel shows it: what waits in the outbox per lane and how old the
// oldest unsent row is (server clock), the sender's state and last error, the disk budget and the
// heartbeat. Read from the same sources as GET /api/v1/outbox (OutboxRows, sender, budget, heartbeat).

import type { BudgetStatus } from '../../outbox/budget.js'
import type { HeartbeatStatus } from '../../outbox/heartbeat.js'
import type { SenderStatus } from '../../outbox/sender.js'
import type { OutboxRows } from '../../store/outbox-rows.js'
import type { AppDeps } from '../deps.js'

export interface LinkView {
  /** A relay is configured (relayUrl); without one the sender is off and rows wait. */
  relay: boolean
  total: number
  lanes: Array<{ lane: string, rows: number, oldestCreatedAt: string | null, oldestAgeS: number | null }>
  /** Seconds of the server clock since the oldest row still unsent was written, any lane; null when empty. */
  oldestUnsentAgeS: number | null
  sender: Pick<SenderStatus, 'state' | 'failures' | 'nextAttemptAt' | 'lastAck' | 'lastError'>
  budget: BudgetStatus
  heartbeat: HeartbeatStatus
}

export function linkView (deps: Pick<AppDeps, 'config' | 'clock' | 'sender' | 'outboxBudget' | 'heartbeat'>, rows: OutboxRows): LinkView {
  const now = deps.clock.now()
  const ageS = (at: string | null): number | null => at === null ? null : Math.max(0, Math.round((now - Date.parse(at)) / 1000))
  const lanes = rows.depth().map(({ lane, rows, oldestCreatedAt }) => ({ lane, rows, oldestCreatedAt, oldestAgeS: ageS(oldestCreatedAt) }))
  const ages = lanes.map((l) => l.oldestAgeS).filter((a): a is number => a !== null)
  const { state, failures, nextAttemptAt, lastAck, lastError } = deps.sender.status()
  return {
    relay: deps.config.relayUrl !== null && deps.config.relayUrl !== '',
    total: lanes.reduce((s, l) => s + l.rows, 0),
    lanes,
    oldestUnsentAgeS: ages.length > 0 ? Math.max(...ages) : null,
    sender: { state, failures, nextAttemptAt, lastAck, lastError },
    budget: deps.outboxBudget.status(),
    heartbeat: deps.heartbeat.status()
  }
}

export const linkSchema = {
  type: 'object',
  properties: {
    relay: { type: 'boolean', description: 'a relay is configured (relayUrl)' },
    total: { type: 'integer', description: 'rows waiting, all lanes' },
    lanes: {
      type: 'array',
      items: { type: 'object', properties: { lane: { type: 'string' }, rows: { type: 'integer' }, oldestCreatedAt: { type: ['string', 'null'] }, oldestAgeS: { type: ['integer', 'null'], description: 'seconds, server clock' } } }
    },
    oldestUnsentAgeS: { type: ['integer', 'null'], description: 'seconds since the oldest unsent row was written (server clock)' },
    sender: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: ['off', 'idle', 'sending', 'backoff', 'refused'] },
        failures: { type: 'integer' },
        nextAttemptAt: { type: ['string', 'null'] },
        lastAck: { type: ['object', 'null'], properties: { at: { type: 'string' }, batchRows: { type: 'integer' }, highestSeq: { type: ['integer', 'null'] } } },
        lastError: { type: ['object', 'null'], properties: { at: { type: 'string' }, status: { type: ['integer', 'null'] }, code: { type: ['string', 'null'] }, message: { type: 'string' } } }
      }
    },
    budget: { type: 'object', properties: { level: { type: 'string', enum: ['ok', 'warn', 'full'] }, bytes: { type: 'integer' }, budgetBytes: { type: 'integer' }, droppedTelemetry: { type: 'integer' } } },
    heartbeat: { type: 'object', properties: { lastAt: { type: ['string', 'null'] }, lastOk: { type: ['boolean', 'null'] }, lastStatus: { type: ['integer', 'null'] }, sent: { type: 'integer' } } }
  }
} as const
