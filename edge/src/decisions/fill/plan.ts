// The arithmetic of one fill: which backroom bin, how many units, how long it takes, what it is worth.
// Pure functions of the record and the item, so the detector's choices can be tested without a server.

import { HORIZON_H } from '../../scoring/spec.js'

export interface Stock { onHand: number, inTransit: number }
export interface Bin { location: string, onHand: number }

/** Fixed minutes of a fill (walk to the backroom and back, find the bin), whatever the quantity. */
export const FILL_BASE_MIN = 3 // minutes
/** Handling per unit taken from the bin and faced on the shelf. */
export const FILL_PER_UNIT_S = 5 // seconds

/**
 * The backroom bin to take from: the one with the most stock on hand (fewest trips), ties by
 * location id; null when no backroom bin holds any. `total` is the SKU's whole backroom record.
 */
export function pickBin (positions: ReadonlyArray<{ location: string, onHand: number }>, isBackroom: (location: string) => boolean): { bin: Bin, total: number } | null {
  let best: Bin | null = null
  let total = 0
  for (const p of positions) {
    if (!isBackroom(p.location) || p.onHand <= 0) continue
    total += p.onHand
    if (best === null || p.onHand > best.onHand || (p.onHand === best.onHand && p.location < best.location)) best = { location: p.location, onHand: p.onHand }
  }
  return best ? { bin: best, total } : null
}

/** Estimated units on the shelf: the record's on hand plus what is on its way there, never below 0. */
export const shelfStock = (s: Stock): number => Math.max(0, s.onHand + s.inTransit)

/**
 * Units to bring: the room left on the shelf (capacity − estimated stock) rounded UP to whole case
 * packs (associates open whole cases), never more than the bin holds; one case pack when the
 * capacity is unknown. 0 = the shelf is full by the record.
 */
export function fillQty (capacity: number | null, casePack: number, shelf: Stock, binOnHand: number): number {
  const pack = Math.max(1, casePack)
  const room = capacity === null ? pack : Math.max(0, capacity - shelfStock(shelf))
  if (room === 0) return 0
  return Math.min(Math.ceil(room / pack) * pack, Math.max(0, binOnHand))
}

/** Labor of a fill of `qty` units, minutes: FILL_BASE_MIN plus FILL_PER_UNIT_S per unit. */
export const laborMinutes = (qty: number): number => FILL_BASE_MIN + qty * FILL_PER_UNIT_S / 60

/**
 * Expected lost revenue avoided per labor minute (currency per minute): the chance the shelf runs
 * empty × unit price × units expected to sell over the next HORIZON_H hours (rate_now, units/h),
 * over the labor. Without a rate of sale (0 or not finite) it is score × price per minute, which
 * still ranks by risk and price. An unknown price counts as 1 (rank by risk alone).
 */
export function fillValue (score: number, unitPrice: number | null, rateNowPerH: number, laborMin: number): number {
  const price = unitPrice !== null && Number.isFinite(unitPrice) && unitPrice > 0 ? unitPrice : 1
  const units = Number.isFinite(rateNowPerH) && rateNowPerH > 0 ? rateNowPerH * HORIZON_H : 1
  return score * price * units / Math.max(laborMin, 1e-6)
}
