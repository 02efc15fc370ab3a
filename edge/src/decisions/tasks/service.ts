// The task service the composition root builds: the task store, the handheld actions, a manager's
// review decision, the offer to an associate, and the stale-claim sweep on the server's scheduler
// (so it runs on the simulated clock too).

import type { Clock } from '../../core/clock.js'
import type { EdgeConfig } from '../../core/config.js'
import type { Log } from '../../core/log.js'
import type { Scheduler } from '../../core/scheduler.js'
import type { Ingest } from '../../ingest/pipeline.js'
import type { Associate } from '../../store/associates.js'
import type { Database } from '../../store/db.js'
import { TaskActions } from './actions.js'
import type { CompletionReads } from './completers/types.js'
import { offerFor } from './offer.js'
import { decideReview, type ReviewDecision } from './review-decision.js'
import { TaskStore } from './task-store.js'
import type { Task } from './types.js'

export interface TaskServiceOptions {
  config: Pick<EdgeConfig, 'taskClaimStaleMin' | 'maxQty'>
  db: Database
  ingest: Ingest
  clock: Clock
  scheduler: Scheduler
  log: Log
  zoneOf: (location: string) => string | null | undefined
  /** What completers may read of the store (the record, the locations). */
  reads: CompletionReads
}

/** How often stale claims are looked for, milliseconds of the server clock. */
const SWEEP_MS = 60_000

export class TaskService {
  readonly store: TaskStore
  readonly actions: TaskActions
  private cancelSweep: (() => void) | null = null

  constructor (private readonly o: TaskServiceOptions) {
    this.store = new TaskStore(o.db, o.clock)
    this.actions = new TaskActions({ db: o.db, tasks: this.store, ingest: o.ingest, clock: o.clock, log: o.log, maxQty: o.config.maxQty, reads: o.reads })
  }

  start (): void {
    this.cancelSweep = this.o.scheduler.every('task-stale-claims', SWEEP_MS, () => { this.sweep() })
  }

  stop (): void {
    this.cancelSweep?.()
    this.cancelSweep = null
  }

  /** Returns stale claims to the pool; the ids released. */
  sweep (): number[] {
    const ids = this.store.releaseStale(this.o.config.taskClaimStaleMin)
    if (ids.length) this.o.log.info({ tasks: ids, staleMin: this.o.config.taskClaimStaleMin }, 'stale task claims returned to the pool')
    return ids
  }

  /** A manager decides a receiving review on the panel (review-decision.ts), on the handheld actions' queue. */
  decideReview (d: ReviewDecision): Promise<Task> {
    const o = this.o
    return this.actions.exclusive(() => decideReview({ db: o.db, tasks: this.store, ingest: o.ingest, clock: o.clock, maxQty: o.config.maxQty, reads: o.reads }, d))
  }

  offeredTo (a: Associate, limit: number): { tasks: Task[], mine: Task[] } {
    // Read more than the limit: some open tasks are filtered out by zone or skill.
    const { open, mine } = this.store.offered(a.id, limit * 10)
    return offerFor(a, open, mine, this.o.zoneOf, limit, this.o.clock.now())
  }
}
