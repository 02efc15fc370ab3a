// Injected time: the decision core and ingest never read Date.now() directly, so tests can pin time
// and replays can run a day in seconds.

import { EdgeError, Errors } from './errors.js'

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now (): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to, for tests. */
export class ManualClock implements Clock {
  constructor (private ms: number) {}
  now (): number { return this.ms }
  set (ms: number): void { this.ms = ms }
  advance (ms: number): void { this.ms += ms }
}

/**
 * The simulation clock (clockMode "sim"): the store simulator sets it, and it never goes back, so
 * every time the server has stamped (receivedAt, lastSeen) stays in order.
 */
export class SimClock implements Clock {
  constructor (private ms: number) {}
  now (): number { return this.ms }

  /** Moves to `ms` (epoch milliseconds); an earlier time throws EDGE_ERR_CLOCK_BACKWARDS. */
  set (ms: number): void {
    if (ms < this.ms) {
      throw new EdgeError(Errors.CLOCK_BACKWARDS,
        `the simulation clock reads ${new Date(this.ms).toISOString()}; it cannot be set back to ${new Date(ms).toISOString()}`,
        { now: new Date(this.ms).toISOString(), requested: new Date(ms).toISOString() })
    }
    this.ms = ms
  }
}
