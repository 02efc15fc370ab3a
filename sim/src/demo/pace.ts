// Accelerated time: holds the simulated store to `speed` simulated seconds per real second while it
// is open, so the panel moves at a pace a person can follow; the rest of the day (no customers:
// the early delivery and put-away, the evening's order run) goes as fast as the server takes it.
// Falling behind is not made up with a burst: the clock re-anchors and carries on.

import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_HOURS } from '../demand/intraday.js'
import type { Now } from '../policy/policy.js'

/** The simulated store's opening hours, minutes after midnight. */
export const PACED_FROM = DEFAULT_HOURS.open * 60
export const PACED_UNTIL = DEFAULT_HOURS.close * 60
/** Behind the wall clock by more than this, milliseconds, the pace starts over from here. */
const SLACK_MS = 1000

/** Thrown by wait() once the demo is told to stop: the run ends at that simulated minute. */
export class DemoStopped extends Error {
  override name = 'DemoStopped'
  constructor () { super('the demo was stopped') }
}

export interface PacerOptions {
  /** Simulated seconds per real second. */
  speed: number
  /** Days run flat out before any pacing (a warm-up: a day of history, deliveries and orders). */
  fromDay: number
  signal: AbortSignal
  /** Told once, at the first paced minute. */
  onFirstPaced?: (now: Now) => void
  realNow?: () => number
}

export class Pacer {
  private anchor: { realMs: number, simMs: number } | null = null
  private paced = false

  constructor (private readonly o: PacerOptions) {}

  /** Before each simulated minute: waits until the wall clock has caught up with it. */
  async wait (now: Now): Promise<void> {
    if (this.o.signal.aborted) throw new DemoStopped()
    if (now.day < this.o.fromDay || now.minute < PACED_FROM || now.minute >= PACED_UNTIL) {
      this.anchor = null
      return
    }
    if (!this.paced) {
      this.paced = true
      this.o.onFirstPaced?.(now)
    }
    const real = this.o.realNow ?? Date.now
    this.anchor ??= { realMs: real(), simMs: now.t }
    const dueMs = this.anchor.realMs + (now.t - this.anchor.simMs) / this.o.speed
    const aheadMs = dueMs - real()
    if (aheadMs < -SLACK_MS) this.anchor = { realMs: real(), simMs: now.t }
    if (aheadMs <= 0) return
    try {
      await sleep(aheadMs, undefined, { signal: this.o.signal })
    } catch {
      throw new DemoStopped()
    }
  }
}
