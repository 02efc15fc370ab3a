// The scheduler of clockMode "sim": jobs run when the store simulator moves the clock, not when
// real time passes. Moving from t0 to t1 runs every job due in (t0, t1], earliest first (ties in
// registration order), with the clock reading the job's due time while it runs. A job that missed
// several runs in one jump runs once, at its latest due time <= t1, then is due after that: a
// 7-hour overnight jump is one presence sweep, not 25,000, and one rescoring, not 84. Periodic jobs
// fall due every period; cron jobs at the times their expression names (core/cron.ts, UTC).
// Same advances, same runs, same times.

import type { SimClock } from './clock.js'
import { compileCron } from './cron.js'
import type { Log } from './log.js'
import { checkPeriod, runJob, type Job, type Scheduler } from './scheduler.js'

interface SimJob {
  name: string
  fn: Job
  /** Epoch milliseconds of its next run; always later than the clock. */
  dueMs: number
  /** The due time after a run at `ms`. */
  after (ms: number): number
  /** Periodic jobs: the period, milliseconds (the latest missed run is then computed, not walked to). */
  periodMs: number | null
  /** Registration order, the tie-break between jobs due at the same time. */
  order: number
}

export class SimScheduler implements Scheduler {
  private readonly jobs = new Set<SimJob>()
  private registered = 0
  /** The advance in progress; the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve()

  constructor (private readonly clock: SimClock, private readonly log: Log) {}

  every (name: string, periodMs: number, fn: Job): () => void {
    checkPeriod(name, periodMs)
    return this.add(name, fn, this.clock.now() + periodMs, (ms) => ms + periodMs, periodMs)
  }

  cron (name: string, expr: string, fn: Job): () => void {
    const schedule = compileCron(expr)
    return this.add(name, fn, schedule.next(this.clock.now()), (ms) => schedule.next(ms), null)
  }

  private add (name: string, fn: Job, dueMs: number, after: (ms: number) => number, periodMs: number | null): () => void {
    const job: SimJob = { name, fn, dueMs, after, periodMs, order: this.registered++ }
    this.jobs.add(job)
    return () => { this.jobs.delete(job) }
  }

  /**
   * Moves the clock to `ms` (epoch milliseconds), running the jobs that fall due on the way and
   * waiting for each to finish. Calls are serialized: each starts where the previous one ended.
   * Rejects with EDGE_ERR_CLOCK_BACKWARDS for a time before the clock; the same time runs nothing.
   */
  advanceTo (ms: number): Promise<{ ran: number }> {
    const run = this.tail.then(() => this.advance(ms))
    this.tail = run.catch(() => {})
    return run
  }

  private async advance (targetMs: number): Promise<{ ran: number }> {
    if (targetMs < this.clock.now()) this.clock.set(targetMs) // throws EDGE_ERR_CLOCK_BACKWARDS
    let ran = 0
    for (let next = this.nextDue(targetMs); next !== null; next = this.nextDue(targetMs)) {
      const { job, runAtMs } = next
      this.clock.set(runAtMs)
      job.dueMs = job.after(runAtMs)
      await runJob(job.name, job.fn, this.log)
      ran++
    }
    this.clock.set(targetMs)
    return { ran }
  }

  /** The job to run next before `targetMs`, at its latest due time up to it; null if none is due. */
  private nextDue (targetMs: number): { job: SimJob, runAtMs: number } | null {
    let best: { job: SimJob, runAtMs: number } | null = null
    for (const job of this.jobs) {
      if (job.dueMs > targetMs) continue
      const runAtMs = latestDue(job, targetMs)
      if (best === null || runAtMs < best.runAtMs || (runAtMs === best.runAtMs && job.order < best.job.order)) best = { job, runAtMs }
    }
    return best
  }
}

/** The last time `job` falls due at or before `targetMs` (its dueMs is at or before it). */
function latestDue (job: SimJob, targetMs: number): number {
  if (job.periodMs !== null) return job.dueMs + Math.floor((targetMs - job.dueMs) / job.periodMs) * job.periodMs
  // A cron job walks its runs: a week's jump of a 5-minute job is 2,016 steps of microseconds.
  let at = job.dueMs
  for (let next = job.after(at); next <= targetMs; next = job.after(at)) at = next
  return at
}
