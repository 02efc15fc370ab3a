// What the phantom-inventory estimator (decisions/phantom) reads of the book for one SKU-location:
// the record, the rate of sale, and the evidence since the location was last seen holding stock or
// last sold from: units expected to sell in that silence, and the empty looks (gap detections,
// empty shelf checks). Read from the same state the shelf-risk features come from: no second book.

import type { LocationKind } from '../../store/catalog.js'
import { rateDay } from './rate.js'
import type { WeekShapes } from './shapes.js'
import type { LocState, PhantomMark, SkuState } from './state.js'
import { HOUR_MS, PHANTOM_SILENCE_CAP_H } from './tuning.js'
import type { WeekCounts } from './week.js'
import { hourIndex, weekSlot } from './week.js'

export interface PhantomFacts {
  kind: LocationKind | undefined
  /** The record at the location, units. */
  onHand: number
  inTransit: number
  /** Sales per day as of the start of the silence (the silence itself must not lower it), units/day. */
  rateDay: number
  lastSaleMs: number
  settledMs: number
  /** Start of the silence: the later of the last sale and the last settling look; NaN = neither. */
  sinceMs: number
  /** Hours of silence (capped at PHANTOM_SILENCE_CAP_H), 0 without a start. */
  silentH: number
  /** Units the hour-of-week profile expected to sell over the silence (0 off a shelf). */
  expectedSales: number
  /** Empty looks after sinceMs, oldest first. */
  marks: PhantomMark[]
}

export function phantomFacts (
  shapes: WeekShapes, s: SkuState | undefined, l: LocState | undefined, category: WeekCounts | undefined, nowMs: number
): PhantomFacts {
  const kind = l?.kind
  const lastSaleMs = s?.lastSaleMs ?? NaN
  const settledMs = l?.settledMs ?? NaN
  const sinceMs = Math.max(nan0(lastSaleMs), nan0(settledMs)) || NaN
  const startMs = Number.isNaN(sinceMs) ? NaN : Math.max(sinceMs, nowMs - PHANTOM_SILENCE_CAP_H * HOUR_MS)
  const rd = s !== undefined && !Number.isNaN(sinceMs) ? rateDay(s, sinceMs) : 0
  const silentH = Number.isNaN(startMs) ? 0 : Math.max(0, (nowMs - startMs) / HOUR_MS)
  // Sales come off shelves (ingest books a sale at the item's home shelf): a bin's silence says nothing.
  const expected = kind === 'shelf' && s !== undefined && silentH > 0 ? expectedUnits(shapes, s, category, rd, startMs, nowMs) : 0
  return {
    kind,
    onHand: l?.positioned === true ? l.onHand : 0,
    inTransit: l?.positioned === true ? l.inTransit : 0,
    rateDay: rd,
    lastSaleMs,
    settledMs,
    sinceMs,
    silentH,
    expectedSales: expected,
    marks: (l?.marks ?? []).filter((m) => !(m.atMs <= sinceMs))
  }
}

/** Units expected to sell from fromMs to toMs: rate_day x 7 spread over the hours of the week by the item's shape. */
function expectedUnits (shapes: WeekShapes, s: SkuState, category: WeekCounts | undefined, rd: number, fromMs: number, toMs: number): number {
  if (!(rd > 0)) return 0
  const weekly = rd * 7
  let units = 0
  let at = fromMs
  while (at < toMs) {
    const hourEnd = (hourIndex(at) + 1) * HOUR_MS
    const until = Math.min(hourEnd, toMs)
    units += weekly * shapes.share(weekSlot(at), s, category) * (until - at) / HOUR_MS
    at = until
  }
  return units
}

const nan0 = (x: number): number => Number.isNaN(x) ? 0 : x
