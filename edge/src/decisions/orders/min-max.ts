// Static min-max, what most stores still order by, shown beside every proposal for comparison: the
// levels are set from the item's average daily sales over its history (not today's forecast), and
// when the position (on hand by the record + on order) falls to the minimum, whole cases up to the
// maximum are ordered.

/** Days of demand the minimum covers beyond the lead time (review period + safety). */
export const MIN_MAX_SAFETY_DAYS = 2
/** Days of demand between min and max (about a weekly order cycle). */
export const MIN_MAX_CYCLE_DAYS = 7

export interface MinMaxInput {
  /** Average units sold per day over the history. */
  meanDaily: number
  leadTimeDays: number
  casePack: number
  facings: number | null
  /** On hand by the record + on order, units. */
  position: number
}

export interface MinMax { min: number, max: number, qty: number }

export function minMax (i: MinMaxInput): MinMax {
  const min = Math.max(i.facings ?? 1, Math.ceil(i.meanDaily * (i.leadTimeDays + MIN_MAX_SAFETY_DAYS)))
  const max = min + Math.max(i.casePack, Math.ceil(i.meanDaily * MIN_MAX_CYCLE_DAYS))
  const qty = i.position > min ? 0 : Math.max(1, Math.ceil((max - i.position) / i.casePack)) * i.casePack
  return { min, max, qty }
}
