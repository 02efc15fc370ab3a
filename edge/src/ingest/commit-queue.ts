// Group commit: what arrives while earlier batches are committing is written in the next
// transaction, then every submitter is answered. At most MAX_IN_FLIGHT batches are with the writer:
// two, so the writer thread starts the next transaction the moment one ends instead of waiting for
// the main thread to answer the last one, and the busier the store the larger (and cheaper per
// event) the commits. "Acknowledged means committed" holds
// because an MQTT PUBACK or HTTP reply waits for its submission's callback.

import type { Log } from '../core/log.js'
import type { Metrics } from '../core/metrics.js'
import { EdgeError, Errors } from '../core/errors.js'
import type { BatchEntry, EntryOutcome } from '../store/journal.js'
import type { JournalWriter } from '../store/journal-thread.js'

export type CommitCallback = (err: Error | null, outcomes: EntryOutcome[]) => void

/** An accepted event of a committed batch, with the journal seq it got. */
export interface CommittedEntry { seq: number, entry: BatchEntry }

/**
 * Told of every committed batch, in commit order, before its submitters are answered: what reacts
 * to an event (the feature book, a scoring fast tier) runs within the event's handling.
 */
export type CommittedListener = (accepted: ReadonlyArray<CommittedEntry>) => void

interface Submission {
  entries: BatchEntry[]
  transport: string
  /** performance.now() at receipt, milliseconds. */
  receivedAt: number
  done: CommitCallback
}

export interface CommitQueueOptions {
  writer: Pick<JournalWriter, 'write'>
  log: Log
  metrics: Metrics
  /** Entries per transaction at most; a larger backlog is split over several commits. */
  batchMax: number
  /** Accepted events and rows of each committed batch (duplicates, dead letters and presence left out). */
  onCommitted?: CommittedListener
}

const MAX_IN_FLIGHT = 2

export class CommitQueue {
  private queue: Submission[] = []
  private scheduled = false
  /** Batches handed to the writer and not yet answered. */
  private inFlight = 0
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
    // Let the rest of this turn's messages join the batch before it starts.
    if (!this.scheduled && this.inFlight < MAX_IN_FLIGHT) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Resolves when nothing is queued or committing. */
  idle (): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled && this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Refuses new submissions; what is queued still commits. */
  close (): Promise<void> {
    this.closed = true
    return this.idle()
  }

  private flush (): void {
    this.scheduled = false
    if (this.inFlight >= MAX_IN_FLIGHT) return
    const batch: Submission[] = []
    let size = 0
    while (this.queue.length > 0 && (size === 0 || size + this.queue[0].entries.length <= this.opts.batchMax)) {
      const s = this.queue.shift()!
      batch.push(s)
      size += s.entries.length
    }
    if (batch.length === 0) {
      if (this.inFlight > 0) return
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const w of waiters) w()
      return
    }
    this.inFlight++
    const entries = batch.length === 1 ? batch[0].entries : batch.flatMap((s) => s.entries)
    this.opts.writer.write(entries).then(({ outcomes, commitMs }) => {
      this.inFlight--
      if (this.opts.onCommitted !== undefined) this.notify(this.opts.onCommitted, entries, outcomes)
      this.answer(batch, entries.length, outcomes, commitMs)
      this.flush()
    }, (err: Error) => {
      this.inFlight--
      // Nothing of the batch is committed: every submitter hears of it, so no device gets a PUBACK
      // and no handheld a 200 for data that is not on disk.
      this.opts.log.error({ err, entries: entries.length }, 'journal commit failed')
      for (const s of batch) s.done(err, [])
      this.flush()
    })
  }

  private notify (listener: CommittedListener, entries: BatchEntry[], outcomes: EntryOutcome[]): void {
    const accepted: CommittedEntry[] = []
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]
      if (o.kind === 'accepted') accepted.push({ seq: o.seq, entry: entries[i] })
    }
    if (accepted.length === 0) return
    try {
      listener(accepted)
    } catch (err) {
      // The batch is committed whatever a listener thinks of it: its submitters are still answered.
      this.opts.log.error({ err, entries: accepted.length }, 'commit listener failed')
    }
  }

  private answer (batch: Submission[], size: number, outcomes: EntryOutcome[], commitMs: number): void {
    const { metrics } = this.opts
    const finished = performance.now()
    metrics.commitTime.observe(commitMs / 1000)
    metrics.batchSize.observe(size)
    // Counted per batch, not per entry: label lookups are a measurable cost at 30,000 events/s.
    const tally = new Map<string, number>()
    const bump = (key: string): void => { tally.set(key, (tally.get(key) ?? 0) + 1) }
    let k = 0
    for (const s of batch) {
      const mine = outcomes.slice(k, k + s.entries.length)
      k += s.entries.length
      for (const o of mine) {
        if (o.kind === 'dead') bump(`dead\0${o.reason}`)
        else if (o.kind !== 'presence') bump(`${o.kind}\0${s.transport}`)
      }
      if (s.transport !== 'internal') metrics.ingestLatency.observe({ transport: s.transport }, (finished - s.receivedAt) / 1000)
      s.done(null, mine)
    }
    for (const [key, n] of tally) {
      const [kind, label] = key.split('\0')
      if (kind === 'accepted') metrics.accepted.inc({ transport: label }, n)
      else if (kind === 'duplicate') metrics.duplicates.inc({ transport: label }, n)
      else metrics.deadLettered.inc({ reason: label }, n)
    }
  }
}
