// The server's time, built once from the configuration: which clock everything reads, which
// scheduler periodic work runs on, and (in clockMode "sim" only) how the simulator moves them.

import { SimClock, systemClock, type Clock } from './clock.js'
import type { EdgeConfig } from './config.js'
import { EdgeError, Errors } from './errors.js'
import { parseInstant } from './instant.js'
import type { Log } from './log.js'
import { timerScheduler, type Scheduler } from './scheduler.js'
import { SimScheduler } from './sim-scheduler.js'

export type ClockMode = EdgeConfig['clockMode']

export interface ServerTime {
  mode: ClockMode
  clock: Clock
  scheduler: Scheduler
  /**
   * Sim mode: moves the clock to `ms` (epoch milliseconds) after running the jobs due on the way;
   * serialized, never backwards. Null in system mode.
   */
  advanceTo: ((ms: number) => Promise<{ ran: number }>) | null
}

/** `clock` (tests pass a ManualClock) replaces the system clock; sim mode keeps its own. */
export function createServerTime (config: Pick<EdgeConfig, 'clockMode' | 'clockStart'>, log: Log, clock?: Clock): ServerTime {
  if (config.clockMode === 'system') {
    return { mode: 'system', clock: clock ?? systemClock, scheduler: timerScheduler(log), advanceTo: null }
  }
  if (clock !== undefined) {
    throw new EdgeError(Errors.CONFIG_INVALID, 'config key "clockMode" is "sim": the server keeps its own simulation clock (set its start with clockStart), so none may be passed in', { key: 'clockMode' })
  }
  // loadConfig has checked clockStart; null starts the simulation at the system time.
  const startMs = config.clockStart === null ? systemClock.now() : parseInstant(config.clockStart)
  if (startMs === null) throw new EdgeError(Errors.CONFIG_INVALID, `config key "clockStart" is not an ISO 8601 date-time: ${config.clockStart}`, { key: 'clockStart' })
  const sim = new SimClock(startMs)
  const scheduler = new SimScheduler(sim, log)
  return { mode: 'sim', clock: sim, scheduler, advanceTo: (ms) => scheduler.advanceTo(ms) }
}
