// Periodic server work (presence sweeps) runs through a Scheduler, not setInterval, so it can run on
// either clock: the timer scheduler here for system time, the simulated one (sim-scheduler.ts) when
// the store simulator drives the clock.

import type { Log } from './log.js'

/** A periodic job; a returned promise is its completion (the simulated scheduler waits for it). */
export type Job = () => void | Promise<void>

export interface Scheduler {
  /**
   * Runs `fn` every `periodMs` milliseconds of this scheduler's time, the first run one period from
   * now. Returns the function that cancels it.
   */
  every (name: string, periodMs: number, fn: Job): () => void
}

export function checkPeriod (name: string, periodMs: number): void {
  if (!Number.isFinite(periodMs) || periodMs <= 0) throw new RangeError(`job "${name}": period must be a positive number of milliseconds, got ${periodMs}`)
}

/** Runs a job to completion; a failure is logged, never thrown, so one bad run stops nothing. */
export async function runJob (name: string, fn: Job, log: Log): Promise<void> {
  try {
    await fn()
  } catch (err) {
    log.error({ err, job: name }, 'scheduled job failed')
  }
}

/** System time: setInterval, unref'd so housekeeping never keeps the process alive. */
export function timerScheduler (log: Log): Scheduler {
  return {
    every (name, periodMs, fn) {
      checkPeriod(name, periodMs)
      const timer = setInterval(() => { void runJob(name, fn, log) }, periodMs)
      timer.unref()
      return () => clearInterval(timer)
    }
  }
}
