// Group commit: everything that arrives within one turn of the event loop is written in one journal
// transaction, then every submitter is answered. Throughput comes from batching; "acknowledged
// means committed" holds because an MQTT PUBACK or HTTP reply waits for its submission's callback.

import type { Log } from '../core/log.js'
import type { Metrics } from '../core/metrics.js'
import { EdgeError, Errors } from '../core/errors.js'
import type { BatchEntry, EntryOutcome, Journal } from '../store/journal.js'

export type CommitCallback = (err: Error | null, outcomes: EntryOutcome[]) => void

interface Submission {
  entries: BatchEntry[]
  transport: string
  /** performance.now() at receipt, milliseconds. */
  receivedAt: number
  done: CommitCallback
}

export interface CommitQueueOptions {
  journal: Journal
  log: Log
  metrics: Metrics
  /** Entries per transaction at most; a larger backlog is split over several turns. */
  batchMax: number
  /** Called after each successful commit (the catalogue refresh hook, decisions later). */
  afterCommit?: (entries: readonly BatchEntry[], outcomes: readonly EntryOutcome[]) => void
}

export class CommitQueue {
  private queue: Submission[] = []
  private scheduled = false
  private closed = false
  private idleWaiters: Array<() => void> = []

  constructor (private readonly opts: CommitQueueOptions) {}

  get pending (): number { return this.queue.length }

  submit (entries: BatchEntry[], transport: string, receivedAt: number, done: CommitCallback): void {
    if (this.closed) {
      done(new EdgeError(Errors.UNAVAILABLE), [])
      return
    }
    if (entries.length === 0) {
      done(null, [])
      return
    }
    this.queue.push({ entries, transport, receivedAt, done })
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Resolves when nothing is waiting to be committed. */
  idle (): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Refuses new submissions; what is queued still commits. */
  close (): Promise<void> {
    this.closed = true
    return this.idle()
  }

  private flush (): void {
    this.scheduled = false
    const batch: Submission[] = []
    let size = 0
    while (this.queue.length > 0 && (size === 0 || size + this.queue[0].entries.length <= this.opts.batchMax)) {
      const s = this.queue.shift()!
      batch.push(s)
      size += s.entries.length
    }
    if (batch.length > 0) this.commit(batch)
    if (this.queue.length > 0) {
      this.scheduled = true
      setImmediate(() => this.flush())
    } else {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const w of waiters) w()
    }
  }

  private commit (batch: Submission[]): void {
    const { journal, metrics, log } = this.opts
    const entries = batch.length === 1 ? batch[0].entries : batch.flatMap((s) => s.entries)
    const started = performance.now()
    let outcomes: EntryOutcome[]
    try {
      outcomes = journal.write(entries)
    } catch (err) {
      // Nothing of the batch is committed: every submitter hears of it, so no device gets a PUBACK
      // and no handheld a 200 for data that is not on disk.
      log.error({ err, entries: entries.length }, 'journal commit failed')
      for (const s of batch) s.done(err as Error, [])
      return
    }
    const finished = performance.now()
    metrics.commitTime.observe((finished - started) / 1000)
    metrics.batchSize.observe(entries.length)
    this.opts.afterCommit?.(entries, outcomes)
    let k = 0
    for (const s of batch) {
      const mine = outcomes.slice(k, k + s.entries.length)
      k += s.entries.length
      for (const o of mine) {
        if (o.kind === 'accepted') metrics.accepted.inc({ transport: s.transport })
        else if (o.kind === 'duplicate') metrics.duplicates.inc({ transport: s.transport })
        else metrics.deadLettered.inc({ reason: o.reason })
      }
      metrics.ingestLatency.observe({ transport: s.transport }, (finished - s.receivedAt) / 1000)
      s.done(null, mine)
    }
  }
}
