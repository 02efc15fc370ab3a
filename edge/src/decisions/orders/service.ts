// The order proposals the composition root builds: a run on the server scheduler (config
// orderProposalsCron, so it follows the simulated clock too) and on demand, the expiry sweep, and
// what the API reads and decides. Runs never overlap: one asked for while another runs waits for it.

import type { EdgeConfig } from '../../core/config.js'
import type { Scheduler } from '../../core/scheduler.js'
import { OutboxRows } from '../../store/outbox-rows.js'
import { ForecastLog, type AccuracyRow, type LoggedForecast } from '../../store/forecast-log.js'
import { ProposalStore, type Proposal, type ProposalFilter } from '../../store/proposals.js'
import { addDays, dayOf, daysBetween } from '../../store/sales.js'
import { decide, expireDue, type Action, type DecideDeps, type DecisionInput } from './decide.js'
import { runProposals, type RunDeps, type RunSummary } from './run.js'

/** What happened to proposals, for listeners (the panel's live updates): made by a run, decided, expired. */
export type ProposalChange =
  | { change: 'made', orderDay: string, created: number, refreshed: number, autoApproved: number }
  | { change: 'decided', id: number, sku: string, state: Proposal['state'], by: string | null }
  | { change: 'expired', count: number }

/** What a run reads, less the stores the service makes itself; plus its schedule and limits. */
export interface OrderServiceOptions extends Omit<RunDeps, 'proposals' | 'forecasts' | 'outbox' | 'storeHours'> {
  config: Pick<EdgeConfig, 'orderProposalsCron' | 'maxQty' | 'storeHours'>
  scheduler: Scheduler
}

/** How often overdue pending proposals are expired, milliseconds of the server clock. */
const EXPIRE_EVERY_MS = 5 * 60_000

export class OrderService {
  readonly proposals: ProposalStore
  readonly forecasts: ForecastLog
  private readonly runDeps: RunDeps
  private readonly decideDeps: DecideDeps
  private running: Promise<RunSummary> | null = null
  private readonly cancels: Array<() => void> = []
  lastRun: RunSummary | null = null
  private readonly listeners: Array<(c: ProposalChange) => void> = []

  constructor (private readonly o: OrderServiceOptions) {
    this.proposals = new ProposalStore(o.db)
    this.forecasts = new ForecastLog(o.db)
    const now = (): string => new Date(o.clock.now()).toISOString()
    const outbox = new OutboxRows(o.db, now)
    const { config, scheduler: _scheduler, ...reads } = o
    this.runDeps = { ...reads, proposals: this.proposals, forecasts: this.forecasts, outbox, storeHours: config.storeHours }
    this.decideDeps = { db: o.db, proposals: this.proposals, outbox, audit: o.audit, now, maxQty: o.config.maxQty, versions: o.versions }
  }

  start (): void {
    this.cancels.push(this.o.scheduler.cron('order-proposals', this.o.config.orderProposalsCron, async () => { await this.run() }))
    this.cancels.push(this.o.scheduler.every('order-proposals-expiry', EXPIRE_EVERY_MS, () => { this.expire() }))
  }

  stop (): void {
    for (const c of this.cancels.splice(0)) c()
  }

  /** Calls `fn` after a run made or refreshed proposals, after each decision and after an expiry sweep that expired some. */
  onChange (fn: (c: ProposalChange) => void): void {
    this.listeners.push(fn)
  }

  private tell (c: ProposalChange): void {
    for (const fn of this.listeners) {
      try { fn(c) } catch (err) { this.o.log.error({ err, change: c.change }, 'proposal listener failed') }
    }
  }

  /** Makes or refreshes today's proposals; a run asked for while one runs starts after it. */
  async run (): Promise<RunSummary> {
    while (this.running !== null) await this.running.catch(() => {})
    const p = runProposals(this.runDeps)
    this.running = p
    try {
      this.lastRun = await p
      const { orderDay, created, refreshed, autoApproved } = this.lastRun
      if (created + refreshed + autoApproved > 0) this.tell({ change: 'made', orderDay, created, refreshed, autoApproved })
      return this.lastRun
    } finally {
      this.running = null
    }
  }

  expire (): number {
    const n = expireDue(this.decideDeps)
    if (n > 0) {
      this.o.log.info({ expired: n }, 'order proposals expired undecided')
      this.tell({ change: 'expired', count: n })
    }
    return n
  }

  list (f: ProposalFilter): Proposal[] {
    return this.proposals.list(f)
  }

  get (id: number): Proposal | undefined {
    return this.proposals.get(id)
  }

  /** The error of the forecasts made in the last `days` days against what then sold. */
  accuracy (days: number): { from: string, to: string, byClass: AccuracyRow[] } {
    const today = dayOf(this.o.clock.now())
    const from = addDays(today, -days)
    const sold = this.o.sales.series(from, today)
    const byClass = this.forecasts.accuracy(from, today, (sku, day) => sold.get(sku)?.[daysBetween(from, day)] ?? 0)
    return { from, to: today, byClass }
  }

  latestForecast (sku: string): (LoggedForecast & { madeDay: string }) | undefined {
    return this.forecasts.latest(sku)
  }

  decide (id: number, action: Action, input: DecisionInput & { qty?: number }): Proposal {
    const p = decide(this.decideDeps, id, action, input)
    this.tell({ change: 'decided', id: p.id, sku: p.sku, state: p.state, by: p.decision?.by ?? null })
    return p
  }
}
