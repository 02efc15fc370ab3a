// The supplier's order days: whether an order can be placed today, and how many days until the
// next chance (the review period an order must cover).

import { ORDER_DAYS, type OrderDay } from '../../store/catalog.js'

/** Weekday of a UTC day, as the item master names it. */
export function weekdayOf (day: string): OrderDay {
  const js = new Date(`${day}T00:00:00Z`).getUTCDay() // 0 = Sunday
  return ORDER_DAYS[(js + 6) % 7]
}

/** True when `day` is one of the order days (every day when none are set). */
export function isOrderDay (day: string, orderDays: readonly OrderDay[] | null): boolean {
  return orderDays === null || orderDays.length === 0 || orderDays.includes(weekdayOf(day))
}

/** Days from `day` to the next order day after it: 1 with daily ordering, 7 with one order day a week. */
export function reviewDays (day: string, orderDays: readonly OrderDay[] | null): number {
  if (orderDays === null || orderDays.length === 0) return 1
  const from = ORDER_DAYS.indexOf(weekdayOf(day))
  for (let k = 1; k <= 7; k++) {
    if (orderDays.includes(ORDER_DAYS[(from + k) % 7])) return k
  }
  return 7
}
