// The fill detector: after each rescoring (fast tier per committed batch, slow tier on its cron),
// every scored shelf at or above fillRiskThreshold whose SKU has backroom stock gets one fill task
// (created, or the live one updated in place) saying how many units to bring from which bin and what
// that is worth per labor minute. Its own open fills are cancelled, with the reason, once the score
// fell below half the threshold (hysteresis: a score hovering at the threshold does not flap) or the
// record says the shelf is full again. Fills an associate holds, and fills made by hand, are left alone.

import type { Log } from '../core/log.js'
import type { Item, LocationKind } from '../store/catalog.js'
import type { FeatureKey } from '../scoring/service/pass.js'
import { topOf, type CurrentScores, type RiskScore } from '../scoring/service/current.js'
import { FEATURE_INDEX } from '../scoring/spec.js'
import { fillQty, fillValue, laborMinutes, pickBin, shelfStock, type Stock } from './fill/plan.js'
import { hoursOf, onShift } from './tasks/offer.js'
import type { TaskStore } from './tasks/task-store.js'
import type { Task, TaskDraft } from './tasks/types.js'

/** What the detector reads of the feature book's record. */
export interface FillStock {
  record (sku: string, location: string): Stock
  positionsOf (sku: string): ReadonlyArray<{ location: string, onHand: number, inTransit: number }>
}

export interface FillDetectorOptions {
  config: { fillRiskThreshold: number, storeHours: string }
  /** Server time, ms: no new fill while the store is closed (config storeHours). */
  now: () => number
  scores: CurrentScores
  stock: FillStock
  tasks: TaskStore
  item: (sku: string) => Item | undefined
  kindOf: (location: string) => LocationKind | undefined
  log: Log
}

/** Marks the fills this detector made (why.detector): the only ones it updates or cancels. */
export const DETECTOR = 'fill'

const keyOf = (sku: string, location: string): string => `${sku}\u0000${location}`

export interface DetectResult { created: number, updated: number, cancelled: number }

export class FillDetector {
  private readonly hours

  constructor (private readonly o: FillDetectorOptions) {
    this.hours = hoursOf(o.config.storeHours)
  }

  /** Creates, refreshes and cancels fills for the SKU-locations just rescored. */
  detect (keys: ReadonlyArray<FeatureKey>): DetectResult {
    const res: DetectResult = { created: 0, updated: 0, cancelled: 0 }
    if (keys.length === 0) return res
    const live = new Map<string, Task>()
    for (const t of this.o.tasks.liveFills()) live.set(keyOf(t.sku, t.location), t)
    this.o.tasks.batch(() => {
      for (const k of keys) this.one(k, live.get(keyOf(k.sku, k.location)), res)
    })
    if (res.created + res.updated + res.cancelled > 0) this.o.log.debug({ ...res, keys: keys.length }, 'fill tasks detected')
    return res
  }

  private one (k: FeatureKey, fill: Task | undefined, res: DetectResult): void {
    if (this.o.kindOf(k.location) !== 'shelf') return
    const s = this.o.scores.get(k.sku, k.location)
    if (!s) return
    const threshold = this.o.config.fillRiskThreshold
    const shelf = this.o.stock.record(k.sku, k.location)
    const item = this.o.item(k.sku)
    const capacity = item?.shelfCapacity ?? null
    if (fill && fill.why.detector !== DETECTOR) return // made by hand: the operator's to change
    if (fill?.state === 'open') {
      const reason = s.score < threshold / 2
        ? `shelf risk fell to ${s.score.toFixed(2)}`
        : capacity !== null && shelfStock(shelf) >= capacity ? 'shelf full by the record' : null
      if (reason !== null) {
        this.o.tasks.cancel(fill.id, reason)
        this.o.tasks.audit('system', 'task.cancel', fill.id, { reason, score: s.score })
        res.cancelled++
        return
      }
    }
    if (s.score < threshold) return // between half the threshold and the threshold: as it was
    if (!fill && !onShift(this.hours, this.o.now())) return // closed: raised, if still needed, when the store opens
    const from = pickBin(this.o.stock.positionsOf(k.sku), (l) => this.o.kindOf(l) === 'backroom')
    if (from === null) return
    const qty = fillQty(capacity, item?.casePack ?? 1, shelf, from.bin.onHand)
    if (qty === 0) return
    const laborMin = laborMinutes(qty)
    const value = fillValue(s.score, item?.unitPrice ?? null, s.features[FEATURE_INDEX.rate_now], laborMin)
    if (fill && fill.qty === qty && fill.fromLocation === from.bin.location && Math.abs(fill.value - value) < 1e-9) return
    const draft: TaskDraft = {
      kind: 'fill',
      sku: k.sku,
      location: k.location,
      fromLocation: from.bin.location,
      qty,
      value,
      laborMin,
      why: why(s, shelf, from.bin, from.total),
      lineage: []
    }
    const { created } = this.o.tasks.upsertFill(draft)
    if (created) res.created++
    else res.updated++
  }
}

function why (s: RiskScore, shelf: Stock, bin: { location: string, onHand: number }, backroomTotal: number): Record<string, unknown> {
  return {
    detector: DETECTOR,
    score: s.score,
    scorer: s.scorer,
    version: s.version,
    top: topOf(s),
    shelf: { onHand: shelf.onHand, inTransit: shelf.inTransit },
    backroom: { bin: bin.location, binOnHand: bin.onHand, onHand: backroomTotal }
  }
}
