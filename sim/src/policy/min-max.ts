// Static min-max ordering, the way most stores still replenish: when the position (on hand + on
// order) falls to the minimum, order whole cases up to the maximum. The levels are set once from the
// year before the run and never change.

import type { SimSku } from '../layout.js'

export interface MinMax { min: number, max: number }

/** Days of demand the minimum covers beyond the lead time (review period + safety). */
const SAFETY_DAYS = 2
/** Days of demand between min and max (about a weekly order cycle). */
const CYCLE_DAYS = 7

export function minMaxOf (s: SimSku): MinMax {
  const min = Math.max(s.facings, Math.ceil(s.meanDaily * (s.leadTimeDays + SAFETY_DAYS)))
  const max = min + Math.max(s.casePack, Math.ceil(s.meanDaily * CYCLE_DAYS))
  return { min, max }
}

/** Cases to order for a position, 0 when above the minimum. */
export function casesToOrder (s: SimSku, level: MinMax, position: number): number {
  if (position > level.min) return 0
  return Math.max(1, Math.ceil((level.max - position) / s.casePack))
}
