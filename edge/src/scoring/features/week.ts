// Hour-of-week arithmetic (UTC = store local time, as the spec says) and the default shape of a
// grocery week the learned profiles start from.

import { DAY_MS, HOUR_MS, WEEK_HOURS } from './tuning.js'

/** Hours since the epoch (an integer; fits an Int32 until the year 2215). */
export function hourIndex (ms: number): number {
  return Math.floor(ms / HOUR_MS)
}

export function hourOfDay (ms: number): number {
  return mod(hourIndex(ms), 24)
}

/** 0 = Sunday; 1970-01-01 was a Thursday. */
export function dayOfWeek (ms: number): number {
  return mod(Math.floor(ms / DAY_MS) + 4, 7)
}

/** Slot 0-167: dow * 24 + hour. */
export function weekSlot (ms: number): number {
  return dayOfWeek(ms) * 24 + hourOfDay(ms)
}

function mod (a: number, n: number): number {
  return ((a % n) + n) % n
}

// Relative sales by hour of day: a store open 7-22 with a lunch and an after-work peak; the night
// keeps a little so an unusual sale cannot divide by zero.
const HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 2.0, 3.0, 4.0, 5.0, 5.5, 5.0, 4.5, 4.5, 5.0, 6.0, 6.5, 5.5, 4.0, 2.5, 1.2, 0.5]
// Relative sales by day, Sunday first: the weekend shop.
const DAY_WEIGHTS = [0.9, 0.85, 0.9, 0.95, 1.05, 1.2, 1.3]

/** Share of a week's sales in each hour-of-week slot; sums to 1. */
export const DEFAULT_WEEK: Float64Array = (() => {
  const w = new Float64Array(WEEK_HOURS)
  let sum = 0
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) sum += (w[d * 24 + h] = DAY_WEIGHTS[d] * HOUR_WEIGHTS[h])
  for (let i = 0; i < WEEK_HOURS; i++) w[i] /= sum
  return w
})()

/** Units sold per hour-of-week slot, undecayed (the weekly shape changes slowly). */
export class WeekCounts {
  readonly units = new Float64Array(WEEK_HOURS)
  total = 0

  add (slot: number, qty: number): void {
    this.units[slot] += qty
    this.total += qty
  }

  /** Share of slot, smoothed toward `prior` (the level above) with `k` units of weight. */
  share (slot: number, prior: number, k: number): number {
    return (this.units[slot] + k * prior) / (this.total + k)
  }
}
