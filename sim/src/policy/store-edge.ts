// The store run by store-edge: associates and managers do what the server tells them and report
// back through their handhelds. Which work exists and which orders go out comes from two sources,
// so each later server feature plugs in as it lands: today the tasks are read off the server's
// perpetual inventory and camera gap detections (RecordTasks), and orders are min-max on the
// server's record (RecordOrders); the tasks and proposals APIs replace them.

import type { RecordView } from '../kpi/recorder.js'
import type { Layout, SimSku } from '../layout.js'
import { RECEIVING } from '../layout.js'
import type { Delivery } from '../world/dock.js'
import type { Work, WorkQueue } from '../world/labor.js'
import type { Now, Policy, WorkReport } from './policy.js'
import { EventIds, iso, type HandheldPort } from './ports.js'
import type { StoreView } from './server-view.js'

export interface TaskLine { kind: 'fill' | 'count', sku: string, priority: number, reason: string }

/** Where the store-edge side gets its work. */
export interface TaskSource {
  next (now: Now): Promise<TaskLine[]>
}

/** Where it gets its orders. */
export interface OrderSource {
  orders (now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>>
}

export interface StoreEdgeOptions {
  /** Minutes between looks at the server for new work during open hours. */
  lookEveryMin: number
  open: number
  close: number
}

export const STORE_EDGE_DEFAULTS: StoreEdgeOptions = { lookEveryMin: 15, open: 7 * 60, close: 22 * 60 }

export class StoreEdgePolicy implements Policy {
  readonly name = 'store-edge' as const
  private readonly bySku = new Map<string, SimSku>()
  private readonly ids = new EventIds()

  constructor (
    layout: Layout,
    private readonly view: StoreView,
    private readonly tasks: TaskSource,
    private readonly orderSource: OrderSource,
    private readonly hh: HandheldPort,
    private readonly opts: StoreEdgeOptions = STORE_EDGE_DEFAULTS
  ) {
    for (const s of layout.skus) this.bySku.set(s.sku, s)
  }

  async tick (now: Now, queue: WorkQueue): Promise<void> {
    if (now.minute < this.opts.open || now.minute >= this.opts.close || (now.minute - this.opts.open) % this.opts.lookEveryMin !== 0) return
    for (const line of await this.tasks.next(now)) {
      queue.push({ kind: line.kind, priority: line.priority, createdAt: now.t, reason: line.reason, sku: line.sku, key: `${line.kind}:${line.sku}` })
    }
  }

  delivery (now: Now, d: Delivery, queue: WorkQueue): void {
    queue.push({ kind: 'receive', priority: 10, createdAt: now.t, reason: 'delivery', sku: null, cartons: d.cartons.map((c) => c.id), ref: d.id })
  }

  done (now: Now, work: Work, report: WorkReport, associate: string, queue: WorkQueue): void {
    const at = iso(now.t)
    const id = (): string => this.ids.next(associate, work.id)
    const events: object[] = []
    switch (report.kind) {
      case 'receive':
        // Every carton is scanned in: the record holds what came, not what the supplier says.
        for (const c of report.cartons) {
          const s = this.bySku.get(c.sku)
          events.push({ id: `receipt:${c.id}`, type: 'receipt', occurredAt: at, sku: c.sku, location: RECEIVING, qty: c.units })
          queue.push({ kind: 'putaway', priority: this.putawayPriority(s, now), createdAt: now.t, reason: 'delivery', sku: c.sku, cartons: [c.id] })
        }
        break
      case 'putaway': {
        const s = this.bySku.get(report.sku)!
        events.push({ id: id(), type: 'putaway', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: report.units, data: { from: RECEIVING } })
        break
      }
      case 'fill': {
        const s = this.bySku.get(report.sku)!
        // The app asks what is on the shelf before the fill: each fill is also a shelf count.
        events.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.shelfBefore })
        if (report.moved > 0) {
          events.push({ id: id(), type: 'pick', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.moved, data: { from: s.backroomLocation } })
          events.push({ id: id(), type: 'putaway', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.moved })
        }
        if (report.backroomLeft === 0) {
          // Nothing where the record says: confirm the spot empty, and send someone to search.
          events.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: 0 })
          if (report.moved === 0) queue.push({ kind: 'count', priority: 5, createdAt: now.t, reason: 'backroom empty on fill', sku: s.sku, key: `count:${s.sku}` })
        }
        break
      }
      case 'count': {
        const s = this.bySku.get(report.sku)!
        events.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.shelf })
        events.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: report.backroom })
        break
      }
      case 'walk':
        break
    }
    if (events.length > 0) this.hh.post(associate, events)
  }

  sold (): void {}

  orders (now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>> {
    return this.orderSource.orders(now, onOrderUnits)
  }

  async refresh (): Promise<void> {
    await this.view.refresh()
  }

  record (sku: string): RecordView | undefined {
    const r = this.view.record(sku)
    return r === undefined ? undefined : { shelf: r.shelf + r.inTransit, backroom: r.backroom, receiving: r.receiving }
  }

  /** A carton whose item is short on the shelf is put away first (revenue at risk, per hour). */
  private putawayPriority (s: SimSku | undefined, now: Now): number {
    if (!s) return 0
    const r = this.view.record(s.sku)
    const shelf = r ? r.shelf + r.inTransit : 0
    const short = 1 - Math.min(1, shelf / s.shelfCapacity)
    return short * s.unitPrice * s.meanDaily - now.t / 1e12
  }
}
