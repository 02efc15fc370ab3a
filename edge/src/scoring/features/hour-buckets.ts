// Units per clock hour over the last day, in event time: 24 buckets each stamped with its hour, so a
// bucket from an earlier day is recognised and reset, and an event older than the window is dropped.

import { HOUR_MS } from './tuning.js'

const STALE = -0x80000000

export class HourBuckets {
  private readonly hours = new Int32Array(24).fill(STALE)
  private readonly units = new Float64Array(24)

  add (hour: number, qty: number): void {
    const i = hour % 24
    const at = this.hours[i]
    if (at === hour) this.units[i] += qty
    else if (at < hour) {
      this.hours[i] = hour
      this.units[i] = qty
    }
    // else: older than what the bucket holds now, so more than a day behind: out of the window.
  }

  /** Units in the hour of nowMs and the 23 hours before it. */
  lastDay (nowMs: number): number {
    const now = Math.floor(nowMs / HOUR_MS)
    let sum = 0
    for (let i = 0; i < 24; i++) {
      const h = this.hours[i]
      if (h <= now && h > now - 24) sum += this.units[i]
    }
    return sum
  }

  /** Units in the last 60 minutes: this hour so far plus the unelapsed share of the hour before. */
  lastHour (nowMs: number): number {
    const now = Math.floor(nowMs / HOUR_MS)
    const elapsed = nowMs / HOUR_MS - now
    return this.at(now) + this.at(now - 1) * (1 - elapsed)
  }

  private at (hour: number): number {
    const i = ((hour % 24) + 24) % 24
    return this.hours[i] === hour ? this.units[i] : 0
  }
}
