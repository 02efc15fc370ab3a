// What the book keeps per SKU and per SKU-location: the record mirror and the signals learned from
// events. Plain mutable records; the book and its helpers are the only writers.

import type { LocationKind } from '../../store/catalog.js'
import { HourBuckets } from './hour-buckets.js'
import { COUNT_MEMORY } from './tuning.js'

/** A look that saw the shelf empty or thin: a camera gap detection or an empty shelf check. */
export interface PhantomMark {
  kind: 'gap' | 'empty_check'
  /** Journal seq of the event (NaN when the caller gave none). */
  seq: number
  atMs: number
}

export class LocState {
  onHand = 0
  inTransit = 0
  /** A row exists in the positions table (the journal wrote or read it, or an import set it). */
  positioned = false
  /** Last look at this shelf (count, gap, fill, shelf check with a quantity), epoch ms; NaN = never. */
  lastObsMs = NaN
  /** 1 when that look was a gap detection. */
  obsGap = 0
  /** Units seen at the last count or fill; -1 = none. */
  obsQty = -1
  /** Gap detections per hour, allocated at the first. */
  gaps: HourBuckets | null = null
  /**
   * Phantom evidence (phantom.ts): when the location was last seen holding what the record says
   * (a count, a fill, a shelf check that saw units), epoch ms; NaN = never...
   */
  settledMs = NaN
  /** ...and the gap detections and empty shelf checks since then, oldest first (at most PHANTOM_MARKS). */
  marks: PhantomMark[] | null = null

  constructor (readonly location: string, public kind: LocationKind | undefined) {}
}

export class SkuState {
  /** Locations, sorted by id, so sums over them run in the same order whoever built the state. */
  readonly locs: LocState[] = []

  /** Exponentially decayed sum of units sold, as of rateAtMs (units; x lambda = rate). */
  decayedUnits = 0
  rateAtMs = NaN
  firstSaleMs = NaN
  lastSaleMs = NaN
  /** Journal seq of that sale (the start-up replay reads its price afterwards). */
  lastSaleSeq = NaN
  lastPrice = NaN
  sales: HourBuckets | null = null
  /** Units sold per hour-of-week slot (float32 holds whole units exactly), with its total. */
  week: Float32Array | null = null
  weekTotal = 0

  /** The last COUNT_MEMORY count variances (counted - record), units, and their times (ring). */
  readonly countVar = new Float64Array(COUNT_MEMORY)
  readonly countAtMs = new Float64Array(COUNT_MEMORY).fill(NaN)
  countNext = 0

  openTasks = 0

  constructor (readonly sku: string) {}

  loc (location: string): LocState | undefined {
    const locs = this.locs
    for (let i = 0; i < locs.length; i++) if (locs[i].location === location) return locs[i]
    return undefined
  }

  /** The location's state, created (in sorted place) when missing. */
  locOrNew (location: string, kind: LocationKind | undefined): LocState {
    const found = this.loc(location)
    if (found) return found
    const made = new LocState(location, kind)
    let i = this.locs.length
    while (i > 0 && this.locs[i - 1].location > location) i--
    this.locs.splice(i, 0, made)
    return made
  }
}
