// The hour-of-week shape of sales at three levels, each smoothed toward the one above: the item's
// own sales, its category, the whole store, and at the top the default grocery week. A thin history
// therefore reads as the level above, and every share is positive and finite.

import type { SkuState } from './state.js'
import { PRIOR_CATEGORY_UNITS, PRIOR_SKU_UNITS, PRIOR_STORE_UNITS, WEEK_HOURS } from './tuning.js'
import { DEFAULT_WEEK, WeekCounts } from './week.js'

export class WeekShapes {
  readonly store = new WeekCounts()
  private readonly categories = new Map<string, WeekCounts>()

  learn (s: SkuState, category: string | null, slot: number, qty: number): void {
    this.store.add(slot, qty)
    if (category !== null) {
      let c = this.categories.get(category)
      if (!c) this.categories.set(category, c = new WeekCounts())
      c.add(slot, qty)
    }
    s.week ??= new Float32Array(WEEK_HOURS)
    s.week[slot] += qty
    s.weekTotal += qty
  }

  category (name: string | null): WeekCounts | undefined {
    return name === null ? undefined : this.categories.get(name)
  }

  /** Share of the item's weekly sales falling in slot (0-167); the shares of a week sum to 1. */
  share (slot: number, s: SkuState | undefined, category: WeekCounts | undefined): number {
    let p = this.store.share(slot, DEFAULT_WEEK[slot], PRIOR_STORE_UNITS)
    if (category) p = category.share(slot, p, PRIOR_CATEGORY_UNITS)
    if (s?.week) p = (s.week[slot] + PRIOR_SKU_UNITS * p) / (s.weekTotal + PRIOR_SKU_UNITS)
    return p
  }
}
