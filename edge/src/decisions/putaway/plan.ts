// The arithmetic of put-away: how received stock splits between the shelf (what it needs now, in
// whole cases) and the backroom bin (the rest), which bin, how long it takes and what it is worth.
// Pure functions of the record and the item, so the choices are tested without a server.

import { HORIZON_H } from '../../scoring/spec.js'
import { fillQty, fillValue, shelfStock, type Stock } from '../fill/plan.js'

/** Fixed minutes of a put-away trip (take the cartons from the dock, walk, come back), whatever the quantity. */
export const PUTAWAY_BASE_MIN = 2 // minutes
/** Per carton moved: handle, open or stack it. */
export const PUTAWAY_PER_CASE_MIN = 1 // minutes
/** Per unit: face it on the shelf or check it into the bin. */
export const PUTAWAY_PER_UNIT_S = 3 // seconds

/** Labor of a put-away of `qty` units in cases of `casePack`, minutes: base + per carton + per unit. */
export function putawayMinutes (qty: number, casePack: number): number {
  const cases = Math.ceil(qty / Math.max(1, casePack))
  return PUTAWAY_BASE_MIN + cases * PUTAWAY_PER_CASE_MIN + qty * PUTAWAY_PER_UNIT_S / 60
}

/**
 * Units of `available` (what receiving holds) that go straight to the shelf: the room left on it
 * rounded up to whole case packs (fill/plan.ts fillQty), never more than receiving holds; 0 when
 * the shelf is at or over capacity. Unknown capacity: one case pack while the shelf is empty.
 */
export function shelfShare (capacity: number | null, casePack: number, shelf: Stock, available: number): number {
  if (capacity === null && shelfStock(shelf) > 0) return 0
  return fillQty(capacity, casePack, shelf, available)
}

/**
 * The chance the shelf runs empty within HORIZON_H hours when no score is at hand: by cover, the
 * shelf's units over the rate of sale (1 when empty, falling linearly to 0 at HORIZON_H hours of
 * cover); without a rate, by how empty it is against capacity.
 */
export function ruleRisk (shelf: Stock, capacity: number | null, ratePerH: number): number {
  const units = shelfStock(shelf)
  if (units <= 0) return 1
  if (Number.isFinite(ratePerH) && ratePerH > 0) return Math.max(0, Math.min(1, 1 - units / ratePerH / HORIZON_H))
  if (capacity !== null && capacity > 0) return Math.max(0, Math.min(1, 1 - units / capacity))
  return 0.5
}

/** Shelf-bound value: expected lost revenue avoided per labor minute (fill/plan.ts fillValue). */
export const shelfValue = fillValue

/**
 * Backroom-bound value: small against any shelf-bound put-away (what dwells at the dock costs
 * space and risks loss, not sales): DWELL_SHARE of the units' price per labor minute, growing
 * linearly to twice that at the dwell deadline, so old receipts rise above new ones.
 */
export const DWELL_SHARE = 0.01
export function backroomValue (unitPrice: number | null, qty: number, laborMin: number, ageH: number, dwellMaxH: number): number {
  const price = unitPrice !== null && Number.isFinite(unitPrice) && unitPrice > 0 ? unitPrice : 1
  const urgency = 1 + Math.max(0, Math.min(1, ageH / Math.max(dwellMaxH, 1e-6)))
  return DWELL_SHARE * price * qty * urgency / Math.max(laborMin, 1e-6)
}

/**
 * The bin for the rest: the SKU's backroom position with the most on hand (keep it together; ties
 * by id), else any backroom position it has had, else the first backroom location; null when the
 * store has none.
 */
export function pickBinFor (positions: ReadonlyArray<{ location: string, onHand: number }>, isBackroom: (l: string) => boolean, backroomBins: readonly string[]): string | null {
  let best: { location: string, onHand: number } | null = null
  for (const p of positions) {
    if (!isBackroom(p.location)) continue
    if (best === null || p.onHand > best.onHand || (p.onHand === best.onHand && p.location < best.location)) best = p
  }
  return best?.location ?? backroomBins[0] ?? null
}
