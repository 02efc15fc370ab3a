// Supplier deliveries: an order placed on a day arrives after the item's lead time, in whole cases,
// unless the delivery is late (a rate you set, late by 1 to maxLateDays days). Arrivals are kept by
// day so a run's days can be stepped through in order.

import type { Rng } from '../rng.js'

export interface SupplyOptions {
  /** Share of deliveries that arrive late, 0-1. */
  lateRate: number
  /** A late delivery is late by 1 to this many days. */
  maxLateDays: number
}

export interface Order {
  id: number
  sku: string
  cases: number
  placedDay: number
  dueDay: number
  late: boolean
}

export class Supplier {
  private readonly byDay = new Map<number, Order[]>()
  private nextId = 1

  constructor (private readonly rng: Rng, private readonly opts: SupplyOptions) {
    if (opts.lateRate < 0 || opts.lateRate > 1) throw new RangeError(`lateRate ${opts.lateRate} is not a share between 0 and 1`)
    if (!Number.isInteger(opts.maxLateDays) || opts.maxLateDays < 1) throw new RangeError(`maxLateDays ${opts.maxLateDays} must be a whole number of days >= 1`)
  }

  /** Places an order; lead time in whole days (at least 1: nothing arrives the day it is ordered). */
  order (sku: string, cases: number, day: number, leadTimeDays: number): Order {
    if (!Number.isInteger(cases) || cases <= 0) throw new RangeError(`${sku}: order of ${cases} cases`)
    const lead = Math.max(1, Math.round(leadTimeDays))
    const late = this.rng.chance(this.opts.lateRate)
    const dueDay = day + lead + (late ? 1 + this.rng.int(this.opts.maxLateDays) : 0)
    const o: Order = { id: this.nextId++, sku, cases, placedDay: day, dueDay, late }
    const list = this.byDay.get(dueDay)
    if (list) list.push(o)
    else this.byDay.set(dueDay, [o])
    return o
  }

  /** Orders arriving on `day`, removed from the schedule. */
  arrivals (day: number): Order[] {
    const list = this.byDay.get(day) ?? []
    this.byDay.delete(day)
    return list
  }

  /** Cases of a SKU ordered and not yet arrived (what a store's order policy counts as on order). */
  onOrder (sku: string): number {
    let n = 0
    for (const list of this.byDay.values()) for (const o of list) if (o.sku === sku) n += o.cases
    return n
  }
}
