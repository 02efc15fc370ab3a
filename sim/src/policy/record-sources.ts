// Today's store-edge work and orders, read off what the server already offers: its perpetual
// inventory per location and the cameras' gap detections. A shelf whose record runs low, or that a
// camera sees empty, gets a fill from the backroom ranked by revenue at risk; a gap the record
// cannot explain (the record says stock) gets a targeted count. Orders are min-max on the
// server's record, which counts and scans keep closer to the truth than a legacy book.

import type { Layout, SimSku } from '../layout.js'
import { casesToOrder, minMaxOf, type MinMax } from './min-max.js'
import type { Now } from './policy.js'
import type { StoreView } from './server-view.js'
import type { OrderSource, TaskLine, TaskSource } from './store-edge.js'

/** A shelf at or below this share of its capacity is due a fill. */
const LOW_SHARE = 0.35

export class RecordTasks implements TaskSource {
  private lastRefresh = -Infinity

  constructor (private readonly layout: Layout, private readonly view: StoreView, private readonly refreshEveryMin = 30) {}

  async next (now: Now): Promise<TaskLine[]> {
    if (now.t - this.lastRefresh >= this.refreshEveryMin * 60000) {
      await this.view.refresh()
      this.lastRefresh = now.t
    }
    const gaps = new Set((await this.view.newGaps()).map((g) => g.sku))
    const out: TaskLine[] = []
    for (const s of this.layout.skus) {
      const r = this.view.record(s.sku)
      if (!r) continue
      const shelf = r.shelf + r.inTransit
      const gap = gaps.has(s.sku)
      const low = shelf <= Math.max(1, Math.ceil(s.shelfCapacity * LOW_SHARE))
      if (!gap && !low) continue
      const risk = revenueRisk(s, shelf) * (gap ? 2 : 1)
      if (r.backroom > 0) out.push({ kind: 'fill', sku: s.sku, priority: risk, reason: gap ? 'gap detected' : 'low record' })
      else if (gap && shelf > 0) out.push({ kind: 'count', sku: s.sku, priority: risk, reason: 'gap but the record shows stock' })
    }
    return out
  }
}

/** Revenue a day at risk while the shelf is short: price x daily demand x share missing. */
export function revenueRisk (s: SimSku, shelf: number): number {
  return s.unitPrice * s.meanDaily * (1 - Math.min(1, Math.max(0, shelf) / s.shelfCapacity))
}

export class RecordOrders implements OrderSource {
  private readonly levels = new Map<string, MinMax>()

  constructor (private readonly layout: Layout, private readonly view: StoreView) {
    for (const s of layout.skus) this.levels.set(s.sku, minMaxOf(s))
  }

  async orders (_now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>> {
    await this.view.refresh()
    const out: Array<{ sku: string, cases: number }> = []
    for (const s of this.layout.skus) {
      const r = this.view.record(s.sku)
      const onHand = r ? Math.max(0, r.shelf + r.inTransit + r.backroom + r.receiving) : 0
      const cases = casesToOrder(s, this.levels.get(s.sku)!, onHand + onOrderUnits(s.sku))
      if (cases > 0) out.push({ sku: s.sku, cases })
    }
    return out
  }
}
