// What each committed event teaches the book besides stock: sales (rate, weekly shape, last day,
// last price), looks at a shelf (counts, gap detections, fills, shelf checks with a quantity), and
// count variances. Event time only, so a replay learns the same.

import { HourBuckets } from './hour-buckets.js'
import { learnSale } from './rate.js'
import type { WeekShapes } from './shapes.js'
import type { LocState, PhantomMark, SkuState } from './state.js'
import { COUNT_MEMORY, PHANTOM_MARKS } from './tuning.js'
import type { FeatureEvent, KindOf, LedgerFact } from './types.js'
import { hourIndex, weekSlot } from './week.js'

export interface LearnContext {
  shapes: WeekShapes
  kindOf: KindOf
  categoryOf: (sku: string) => string | null
}

/** `fact`: the event's on-hand ledger row at its location, if known (counts, fills). */
export function learnSignals (c: LearnContext, s: SkuState, e: FeatureEvent, fact: LedgerFact | undefined): void {
  const at = e.occurredAtMs
  const location = e.location
  switch (e.type) {
    case 'sale': {
      const qty = e.qty ?? 0
      if (!(qty > 0)) return
      learnSale(s, at, qty)
      s.sales ??= new HourBuckets()
      s.sales.add(hourIndex(at), qty)
      c.shapes.learn(s, c.categoryOf(s.sku), weekSlot(at), qty)
      if (!(s.lastSaleMs > at)) {
        // The most recent sale sets the price, or makes it unknown when it carried none.
        s.lastSaleMs = at
        s.lastSaleSeq = e.seq ?? NaN
        s.lastPrice = e.price !== null && Number.isFinite(e.price) ? e.price : NaN
      }
      return
    }
    case 'gap_detected': {
      if (location === null) return
      const l = s.locOrNew(location, c.kindOf(location))
      l.gaps ??= new HourBuckets()
      l.gaps.add(hourIndex(at), 1)
      look(l, at, 1, undefined)
      markEmpty(l, 'gap', e.seq, at)
      return
    }
    case 'cycle_count': {
      if (location === null) return
      const kind = c.kindOf(location)
      if ((kind === 'shelf' || kind === 'backroom') && fact !== undefined) pushCount(s, fact.delta, at)
      if (kind === 'shelf') look(s.locOrNew(location, kind), at, 0, e.qty ?? undefined)
      if (kind === 'shelf' || kind === 'backroom') settle(s.locOrNew(location, kind), at)
      return
    }
    case 'putaway': {
      if (location === null) return
      const kind = c.kindOf(location)
      // A fill: what the shelf holds after it (the ledger balance), else at least what was put there.
      if (kind === 'shelf') {
        const l = s.locOrNew(location, kind)
        look(l, at, 0, fact?.balance ?? e.qty ?? undefined)
        settle(l, at)
      }
      return
    }
    case 'shelf_check': {
      if (location === null || e.qty === null) return
      const l = s.locOrNew(location, c.kindOf(location))
      look(l, at, 0, e.qty)
      if (e.qty > 0) settle(l, at)
      else markEmpty(l, 'empty_check', e.seq, at)
      return
    }
    default:
  }
}

/** The latest look by event time wins; a late report of an earlier look changes nothing. */
function look (l: LocState, at: number, gap: number, qty: number | undefined): void {
  if (l.lastObsMs > at) return
  l.lastObsMs = at
  l.obsGap = gap
  if (qty !== undefined) l.obsQty = qty
}

/**
 * Someone saw the location hold what the record says (a count sets the record, a fill puts units
 * there, a shelf check saw units): the phantom evidence before it no longer counts.
 */
function settle (l: LocState, at: number): void {
  if (l.settledMs >= at) return
  l.settledMs = at
  if (l.marks !== null) l.marks = l.marks.filter((m) => m.atMs > at)
}

/** A look that saw the location empty or thin, after it was last settled; the oldest is dropped past PHANTOM_MARKS. */
function markEmpty (l: LocState, kind: PhantomMark['kind'], seq: number | undefined, at: number): void {
  if (l.settledMs >= at) return
  l.marks ??= []
  l.marks.push({ kind, seq: seq ?? NaN, atMs: at })
  if (l.marks.length > PHANTOM_MARKS) l.marks.shift()
}

function pushCount (s: SkuState, variance: number, at: number): void {
  s.countVar[s.countNext] = variance
  s.countAtMs[s.countNext] = at
  s.countNext = (s.countNext + 1) % COUNT_MEMORY
}
