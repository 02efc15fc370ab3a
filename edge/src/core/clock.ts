// Injected time: the decision core and ingest never read Date.now() directly, so tests can pin time
// and replays can run a day in seconds.

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
