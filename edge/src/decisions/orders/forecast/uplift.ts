// Uplift of flagged days (event, promotion, SNAP): units sold on the flagged days over what a plain
// day would have sold there. The plain-day baseline of day i is the mean of the de-seasonalised units
// of the days with no flag within +-halfWindow days, times day i's weekday multiplier, so a trend or
// season does not read as uplift. Shrunk towards 1 (none) with a prior of `shrinkUnits` units on
// each side: uplift = (sold + k) / (baseline + k), so a handful of flagged days moves it little.
// Clamped to 0.1..10: a multiplier past that is a data problem, not a pattern.

import { KINDS } from './flags.js'

export interface Uplift { event: number, promo: number, snap: number }

export const UPLIFT_MIN = 0.1
export const UPLIFT_MAX = 10

export function learnUplift (
  y: Float64Array, flags: Uint8Array, dowOfDay: (i: number) => number, from: number, end: number,
  halfWindow: number, shrinkUnits: number
): Uplift {
  const out: Uplift = { event: 1, promo: 1, snap: 1 }
  let any = 0
  for (let i = from; i < end; i++) any |= flags[i]
  if (any === 0 || end <= from) return out
  // Prefix sums of de-seasonalised units and counts over plain days.
  const n = end - from
  const sum = new Float64Array(n + 1); const cnt = new Float64Array(n + 1)
  for (let k = 0; k < n; k++) {
    const i = from + k
    const plain = flags[i] === 0
    sum[k + 1] = sum[k] + (plain ? y[i] / dowOfDay(i) : 0)
    cnt[k + 1] = cnt[k] + (plain ? 1 : 0)
  }
  for (const [name, bit] of KINDS) {
    if ((any & bit) === 0) continue
    let sold = 0; let base = 0
    for (let k = 0; k < n; k++) {
      const i = from + k
      if ((flags[i] & bit) === 0) continue
      const lo = Math.max(0, k - halfWindow); const hi = Math.min(n, k + halfWindow + 1)
      const c = cnt[hi] - cnt[lo]
      if (c === 0) continue
      sold += y[i]
      base += ((sum[hi] - sum[lo]) / c) * dowOfDay(i)
    }
    const u = (sold + shrinkUnits) / (base + shrinkUnits)
    out[name] = Math.min(UPLIFT_MAX, Math.max(UPLIFT_MIN, u))
  }
  return out
}

/** Multiplier of a day with these flag bits. */
export function upliftOf (u: Uplift, bits: number): number {
  if (bits === 0) return 1
  let m = 1
  for (const [name, bit] of KINDS) if ((bits & bit) !== 0) m *= u[name]
  return m
}
