// Spreads a day's real unit sales over opening hours as customer purchases. The daily totals are
// M5's own (they carry the real day-of-week, SNAP and event effects); what is modelled here is
// when in the day customers come, which differs between weekdays and weekends.

import type { Rng } from '../rng.js'

export interface OpeningHours {
  /** Hour the store opens, 0-23. */
  open: number
  /** Hour it closes (exclusive), 1-24. */
  close: number
}

export const DEFAULT_HOURS: OpeningHours = { open: 7, close: 22 }

// Relative traffic by hour of day, 00-23 (a grocery pattern: a lunch peak, a larger after-work
// peak on weekdays; a broad midday hump at weekends). Hours outside opening get no weight.
const WEEKDAY = [0, 0, 0, 0, 0, 0, 0, 2, 4, 5, 6, 8, 9, 8, 6, 6, 8, 11, 12, 10, 7, 5, 3, 1]
const WEEKEND = [0, 0, 0, 0, 0, 0, 0, 1, 3, 6, 9, 11, 12, 12, 11, 10, 9, 8, 8, 7, 5, 3, 2, 1]

export interface Purchase {
  /** Minutes after midnight, store local time. */
  minute: number
  qty: number
}

/** Hour weights for a day of week (0 = Sunday) within opening hours. */
export function hourWeights (dayOfWeek: number, hours: OpeningHours = DEFAULT_HOURS): number[] {
  const base = dayOfWeek === 0 || dayOfWeek === 6 ? WEEKEND : WEEKDAY
  return base.map((w, h) => h >= hours.open && h < hours.close ? w : 0)
}

/**
 * Purchases summing exactly to `units`, in time order. Most customers take one unit; some take two
 * or three (a family pack, a multi-buy).
 */
export function spreadDay (units: number, dayOfWeek: number, rng: Rng, hours: OpeningHours = DEFAULT_HOURS): Purchase[] {
  const weights = hourWeights(dayOfWeek, hours)
  const total = weights.reduce((s, w) => s + w, 0)
  const out: Purchase[] = []
  let left = units
  while (left > 0) {
    const r = rng.next()
    const qty = Math.min(left, r < 0.8 ? 1 : r < 0.95 ? 2 : 3)
    left -= qty
    const hour = rng.weighted(weights, total)
    out.push({ minute: hour * 60 + rng.int(60), qty })
  }
  return out.sort((a, b) => a.minute - b.minute)
}

/** Day of week (0 = Sunday) of a YYYY-MM-DD date. */
export function dayOfWeek (date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay()
}
