// Periodic server work (presence sweeps) runs through a Scheduler, not setInterval, so it can run on
// either clock: the timer scheduler here for system time, the simulated one (sim-scheduler.ts) when
// the store simulator drives the clock.

import { createTask } from 'node-cron'
import { compileCron } from './cron.js'
import type { Log } from './log.js'

/** A periodic job; a returned promise is its completion (the simulated scheduler waits for it). */
export type Job = () => void | Promise<void>

export interface Scheduler {
  /**
   * Runs `fn` every `periodMs` milliseconds of this scheduler's time, the first run one period from
   * now. Returns the function that cancels it.
   */
  every (name: string, periodMs: number, fn: Job): () => void
  /**
   * Runs `fn` at the times a cron expression names (core/cron.ts: 5 fields, UTC) on this
   * scheduler's time. A run still going when the next falls due makes that one skip. Throws
   * RangeError for an expression it cannot run. Returns the function that cancels it.
   */
  cron (name: string, expr: string, fn: Job): () => void
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
    },
    cron (name, expr, fn) {
      compileCron(expr) // the same expressions the simulated scheduler takes, refused the same way
      // node-cron's own timer, unref'd; noOverlap: a slow rescoring run is not stacked on itself.
      const task = createTask(expr, () => runJob(name, fn, log), {
        name,
        timezone: 'Etc/UTC',
        noOverlap: true,
        unref: true,
        // node-cron's own notices (a missed run while the loop was busy) go to our log, not the console.
        logger: {
          info: (detail) => log.debug({ job: name, detail }, 'cron notice'),
          warn: (detail) => log.warn({ job: name, detail }, 'cron notice'),
          error: (detail) => log.error({ job: name, detail: String(detail) }, 'cron notice'),
          debug: (detail) => log.debug({ job: name, detail: String(detail) }, 'cron notice')
        }
      })
      void task.start()
      return () => { void task.destroy() }
    }
  }
}
