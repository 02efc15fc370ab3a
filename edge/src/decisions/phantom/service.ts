// The phantom-inventory service the composition root builds: the detector on the server scheduler
// (every phantomEveryMin minutes of the server clock, so it runs on the simulated clock too), and
// what the API and the KPIs read: current suspects, today's count budget, count precision.

import type { Clock } from '../../core/clock.js'
import type { EdgeConfig } from '../../core/config.js'
import type { Log } from '../../core/log.js'
import type { Scheduler } from '../../core/scheduler.js'
import type { Database } from '../../store/db.js'
import type { Item } from '../../store/catalog.js'
import type { TaskStore } from '../tasks/task-store.js'
import { PhantomDetector, type Budget, type PhantomBook, type RunResult, type Suspect } from './detector.js'
import { PhantomRows, type Precision } from './rows.js'

export interface PhantomServiceOptions {
  config: Pick<EdgeConfig, 'phantomEveryMin' | 'countBudgetPerDay' | 'phantomMinProbability'>
  db: Database
  book: PhantomBook
  tasks: TaskStore
  item: (sku: string) => Item | undefined
  clock: Clock
  scheduler: Scheduler
  log: Log
}

export class PhantomService {
  readonly detector: PhantomDetector
  private readonly rows: PhantomRows
  private cancelJob: (() => void) | null = null

  constructor (private readonly o: PhantomServiceOptions) {
    this.rows = new PhantomRows(o.db)
    this.detector = new PhantomDetector({ config: o.config, book: o.book, tasks: o.tasks, rows: this.rows, item: o.item, clock: o.clock, log: o.log })
  }

  start (): void {
    this.cancelJob = this.o.scheduler.every('phantom-detector', this.o.config.phantomEveryMin * 60_000, () => { this.run() })
  }

  stop (): void {
    this.cancelJob?.()
    this.cancelJob = null
  }

  run (): RunResult {
    return this.detector.run()
  }

  /** Suspects at or above `minProbability`, most expected lost sales first. */
  suspects (minProbability: number, limit: number): Suspect[] {
    return this.detector.suspects(this.o.clock.now(), minProbability).slice(0, limit)
  }

  budget (): Budget {
    return this.detector.budget()
  }

  /** Count precision since `sinceIso` (completion time): completed, discrepancies found, share, by source. */
  precision (sinceIso: string): Precision {
    return this.rows.precision(sinceIso)
  }
}
