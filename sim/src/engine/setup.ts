// What both policies share for a seed: the assortment, the layout and the stock the store opens
// with. Built once per seed so `--policy both` compares the same store.

import { buildAssortment } from '../demand/assortment.js'
import type { M5Data } from '../demand/m5.js'
import type { Promotion, Rates, Spike } from '../faults.js'
import { buildLayout, type Layout, type SimSku } from '../layout.js'
import { Rng } from '../rng.js'

export interface SimOptions {
  storeId: string
  /** First simulated day, YYYY-MM-DD (a year of M5 history must precede it). */
  startDate: string
  days: number
  seed: number
  /** SKUs in the assortment; the store's own 28 M5 items come first. */
  skus: number
  rates: Rates
  spikes: Spike[]
  promotions: Promotion[]
}

export interface Setup {
  layout: Layout
  /** Opening stock per SKU index. */
  initial: Array<{ shelf: number, backroom: number }>
  /** Promotions resolved to SKU sets ('top' = the ten best sellers). */
  promos: Array<{ skus: ReadonlySet<string>, fromDay: number, toDay: number, lift: number, discountPct: number }>
}

export function setUp (data: M5Data, o: SimOptions): Setup {
  const assortment = buildAssortment(data, o.storeId, o.skus, new Rng(o.seed, 'assortment'))
  const layout = buildLayout(assortment, o.startDate)
  const rng = new Rng(o.seed, 'initial')
  // A shelf between 60% and 100% full, and about a case or four days of demand in the backroom.
  const initial = layout.skus.map((s: SimSku) => ({
    shelf: Math.round(s.shelfCapacity * (0.6 + 0.4 * rng.next())),
    backroom: s.casePack * Math.max(1, Math.round((s.meanDaily * 4) / s.casePack))
  }))
  const bestFirst = [...layout.skus].sort((a, b) => b.meanDaily - a.meanDaily || a.index - b.index)
  const promos = o.promotions.map((p) => ({
    skus: new Set(p.skus === 'top' ? bestFirst.slice(0, 10).map((s) => s.sku) : p.skus),
    fromDay: p.fromDay,
    toDay: p.toDay,
    lift: p.lift,
    discountPct: p.discountPct
  }))
  return { layout, initial, promos }
}
