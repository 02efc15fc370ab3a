// The outbox's disk budget (config outboxDiskBudgetMb). A long outage must never make the store drop
// ERP-bound events silently, so what happens is explicit: a warning at 80% of the budget; at the
// budget, telemetry rows (nothing the ERP books) are dropped oldest first, counted and logged, while
// ERP-bound rows are kept and the store keeps working, with an error logged at every check, the
// level on /api/v1/outbox, /api/v1/health and /metrics, until the backlog drains.

import type { Log } from '../core/log.js'
import type { OutboxRows } from '../store/outbox-rows.js'

export type BudgetLevel = 'ok' | 'warn' | 'full'

export interface BudgetStatus {
  level: BudgetLevel
  /** Estimated bytes the outbox holds (payloads plus a per-row overhead). */
  bytes: number
  budgetBytes: number
  /** Telemetry rows dropped at the budget since start. */
  droppedTelemetry: number
}

/** Share of the budget at which a warning is logged. */
export const WARN_SHARE = 0.8

export class OutboxBudget {
  private level: BudgetLevel = 'ok'
  private dropped = 0
  private last: BudgetStatus

  constructor (private readonly o: { rows: OutboxRows, budgetMb: number, log: Log }) {
    this.last = { level: 'ok', bytes: 0, budgetBytes: o.budgetMb * 1024 * 1024, droppedTelemetry: 0 }
  }

  status (): BudgetStatus { return { ...this.last } }

  /** Measures the outbox, drops telemetry at the budget, logs what changed; returns the status. */
  check (): BudgetStatus {
    const budget = this.o.budgetMb * 1024 * 1024
    let bytes = this.o.rows.bytes()
    if (bytes >= budget) {
      const freed = this.o.rows.dropOldestOfLane('telemetry', bytes - Math.floor(budget * WARN_SHARE))
      if (freed.rows > 0) {
        this.dropped += freed.rows
        bytes -= freed.bytes
        this.o.log.warn({ rows: freed.rows, bytes: freed.bytes }, 'outbox at its disk budget: oldest telemetry rows dropped')
      }
    }
    const level: BudgetLevel = bytes >= budget ? 'full' : bytes >= budget * WARN_SHARE ? 'warn' : 'ok'
    const line = { bytes, budgetBytes: budget, share: Math.round(bytes / budget * 1000) / 10 }
    if (level === 'full') this.o.log.error(line, 'outbox over its disk budget: ERP-bound rows are kept, the store keeps working; restore the link to the relay or raise outboxDiskBudgetMb')
    else if (level === 'warn' && this.level === 'ok') this.o.log.warn(line, 'outbox past 80% of its disk budget')
    else if (level === 'ok' && this.level !== 'ok') this.o.log.info(line, 'outbox back under its disk budget')
    this.level = level
    this.last = { level, bytes, budgetBytes: budget, droppedTelemetry: this.dropped }
    return this.status()
  }
}
