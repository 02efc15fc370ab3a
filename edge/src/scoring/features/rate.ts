// The daily sales rate as an exponentially weighted moving average in event time: a decayed sum of
// units, decayed by the time elapsed since it was last touched. No timers: reading it at a time
// decays it to that time without changing it, so the same events give the same rate at any nowMs.

import type { SkuState } from './state.js'
import { DAY_MS, RATE_LAMBDA_PER_MS, RATE_MIN_AGE_DAYS } from './tuning.js'

const MIN_AGE_MS = RATE_MIN_AGE_DAYS * DAY_MS

export function learnSale (s: SkuState, atMs: number, qty: number): void {
  if (Number.isNaN(s.rateAtMs)) {
    s.decayedUnits = qty
    s.rateAtMs = atMs
  } else if (atMs >= s.rateAtMs) {
    s.decayedUnits = s.decayedUnits * Math.exp(-RATE_LAMBDA_PER_MS * (atMs - s.rateAtMs)) + qty
    s.rateAtMs = atMs
  } else {
    // A late event (a lane that was offline): weighed as of its own time, the clock not turned back.
    s.decayedUnits += qty * Math.exp(-RATE_LAMBDA_PER_MS * (s.rateAtMs - atMs))
  }
  if (!(s.firstSaleMs <= atMs)) s.firstSaleMs = atMs
}

/**
 * Units per day at nowMs. The decayed sum of a steady seller tends to rate / lambda; while its
 * history is shorter than a few half-lives the sum is divided by the share of that limit reached
 * (1 - e^(-lambda * age)), so a new item is not read as a slow one.
 */
export function rateDay (s: SkuState, nowMs: number): number {
  if (Number.isNaN(s.rateAtMs)) return 0
  const decay = nowMs > s.rateAtMs ? Math.exp(-RATE_LAMBDA_PER_MS * (nowMs - s.rateAtMs)) : 1
  const age = Math.max(nowMs - s.firstSaleMs, MIN_AGE_MS)
  const reached = 1 - Math.exp(-RATE_LAMBDA_PER_MS * age)
  return s.decayedUnits * decay * RATE_LAMBDA_PER_MS * DAY_MS / reached
}
