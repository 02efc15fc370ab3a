// The store run by store-edge: associates and managers do what the server tells them and report
// back through their handhelds. Which work exists and which orders go out comes from two sources,
// so each later server feature plugs in as it lands: today the tasks are read off the server's
// perpetual inventory and camera gap detections (RecordTasks), or its task list (ServerTasks), and
// orders are the server's proposals as the manager decides them (ServerOrders) or min-max on the
// server's record (RecordOrders).

import type { RecordView } from '../kpi/recorder.js'
import type { Layout, SimSku } from '../layout.js'
import { RECEIVING } from '../layout.js'
import type { Delivery } from '../world/dock.js'
import type { Work, WorkQueue } from '../world/labor.js'
import type { Now, Policy, WorkReport } from './policy.js'
import { EventIds, iso, NO_BACK_OFFICE, type BackOfficePort, type HandheldPort } from './ports.js'
import type { StoreView } from './server-view.js'

/** A server task behind a line: done through the handheld's task actions, not plain events. */
export interface TaskRef {
  id: number
  /** Units asked for. */
  qty: number | null
  /** A put-away's destination. */
  to?: 'shelf' | 'backroom'
}

export interface TaskLine {
  kind: 'fill' | 'count' | 'putaway' | 'review'
  sku: string
  priority: number
  reason: string
  task?: TaskRef
}

/** Where the store-edge side gets its work. */
export interface TaskSource {
  next (now: Now): Promise<TaskLine[]>
  /**
   * True when the source is the server's task list: it hands out put-aways and counts itself, so
   * the policy queues none of its own, and lines it no longer lists are dropped from the queue.
   */
  readonly authoritative?: boolean
}

/** Where it gets its orders. */
export interface OrderSource {
  orders (now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>>
  /** Manager minutes spent on orders since the last call (reviewing proposals), where there is a review. */
  takeReviewMin?(): number
}

export interface StoreEdgeOptions {
  /** Minutes between looks at the server for new work during open hours. */
  lookEveryMin: number
  open: number
  close: number
}

export const STORE_EDGE_DEFAULTS: StoreEdgeOptions = { lookEveryMin: 15, open: 7 * 60, close: 22 * 60 }

/**
 * With the server's task list the handhelds get task updates pushed over MQTT as they happen; the
 * simulator reads the list every 5 minutes instead, and right after a delivery is scanned in.
 */
export const SERVER_TASKS_LOOK_EVERY_MIN = 5

export class StoreEdgePolicy implements Policy {
  readonly name = 'store-edge' as const
  private readonly bySku = new Map<string, SimSku>()
  private readonly ids = new EventIds()
  /** A delivery was just scanned in: its put-aways are on the server's list at the next minute. */
  private lookNow = false

  constructor (
    layout: Layout,
    private readonly view: StoreView,
    private readonly tasks: TaskSource,
    private readonly orderSource: OrderSource,
    private readonly hh: HandheldPort,
    private readonly backOffice: BackOfficePort = NO_BACK_OFFICE,
    private readonly opts: StoreEdgeOptions = STORE_EDGE_DEFAULTS
  ) {
    for (const s of layout.skus) this.bySku.set(s.sku, s)
  }

  async tick (now: Now, queue: WorkQueue): Promise<void> {
    // The backroom starts at 06:00 with the deliveries: the server's list is read from then on.
    const from = this.tasks.authoritative === true ? Math.min(this.opts.open, 6 * 60) : this.opts.open
    const every = this.tasks.authoritative === true ? Math.min(this.opts.lookEveryMin, SERVER_TASKS_LOOK_EVERY_MIN) : this.opts.lookEveryMin
    const due = (now.minute - from) % every === 0 || this.lookNow
    if (now.minute < from || now.minute >= this.opts.close || !due) return
    this.lookNow = false
    const lines = await this.tasks.next(now)
    if (this.tasks.authoritative === true) {
      // The server's list is the truth about what is still needed: work it no longer lists
      // (done, cancelled, taken by someone else) leaves the queue; the rest is re-ranked.
      const listed = new Set(lines.flatMap((l) => l.task ? [`task:${l.task.id}`] : []))
      queue.remove((w) => w.ref !== undefined && w.ref.startsWith('task:') && !listed.has(w.ref))
    }
    for (const line of lines) {
      const key = line.task ? `task:${line.task.id}` : `${line.kind}:${line.sku}`
      const queued = queue.find(key)
      if (queued) {
        queued.priority = line.priority
        if (line.task?.qty != null) queued.qty = line.task.qty
        continue
      }
      queue.push({
        kind: line.kind,
        priority: line.priority,
        createdAt: now.t,
        reason: line.reason,
        sku: line.sku,
        key,
        ...(line.task ? { ref: key, ...(line.kind === 'putaway' ? { qty: line.task.qty ?? 0, to: line.task.to } : {}) } : {})
      })
    }
  }

  delivery (now: Now, d: Delivery, queue: WorkQueue): void {
    this.backOffice.asn({ id: d.id, supplier: 'sim-supplier', lines: d.asn.map((l) => ({ sku: l.sku, qty: l.units, cases: l.cases })) })
    queue.push({ kind: 'receive', priority: 10, createdAt: now.t, reason: 'delivery', sku: null, cartons: d.cartons.map((c) => c.id), ref: d.id })
  }

  done (now: Now, work: Work, report: WorkReport, associate: string, queue: WorkQueue): void {
    if (work.ref?.startsWith('task:') === true) {
      this.completeTask(now, work, report, associate)
      return
    }
    const at = iso(now.t)
    const id = (): string => this.ids.next(associate, work.id)
    const events: object[] = []
    switch (report.kind) {
      case 'receive':
        // Every carton is scanned in: the record holds what came, not what the supplier says.
        for (const c of report.cartons) {
          const s = this.bySku.get(c.sku)
          events.push({ id: `receipt:${c.id}`, type: 'receipt', occurredAt: at, sku: c.sku, location: RECEIVING, qty: c.units, data: { asn: work.ref, carton: c.id } })
          // With the server's task list, its put-away tasks say what goes where and in which order.
          if (this.tasks.authoritative === true) this.lookNow = true
          else queue.push({ kind: 'putaway', priority: this.putawayPriority(s, now), createdAt: now.t, reason: 'delivery', sku: c.sku, cartons: [c.id] })
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
          if (report.moved === 0 && this.tasks.authoritative !== true) queue.push({ kind: 'count', priority: 5, createdAt: now.t, reason: 'backroom empty on fill', sku: s.sku, key: `count:${s.sku}` })
        }
        break
      }
      case 'count': {
        const s = this.bySku.get(report.sku)!
        events.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.shelf })
        events.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: report.backroom })
        break
      }
      case 'review':
      case 'walk':
        break
    }
    if (events.length > 0) this.hh.post(associate, events)
  }

  /**
   * Work the server asked for, reported as the handheld does: what the associate scanned on the
   * way (a shelf count before a fill) as events, then claim and complete with the result; the
   * server posts the movements. `equivalent` is the same work as plain events (see HandheldPort).
   */
  private completeTask (now: Now, work: Work, report: WorkReport, associate: string): void {
    const taskId = Number(work.ref!.slice('task:'.length))
    const at = iso(now.t)
    const id = (): string => this.ids.next(associate, work.id)
    const before: object[] = []
    const equivalent: object[] = []
    let result: Record<string, unknown> = {}
    switch (report.kind) {
      case 'fill': {
        const s = this.bySku.get(report.sku)!
        before.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.shelfBefore })
        if (report.backroomLeft === 0) before.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: 0 })
        // Found at the bin: what was moved and what was left there.
        result = { moved: report.moved, found: report.moved + report.backroomLeft }
        if (report.moved > 0) {
          equivalent.push({ id: id(), type: 'pick', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.moved, data: { from: s.backroomLocation } })
          equivalent.push({ id: id(), type: 'putaway', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.moved })
        }
        break
      }
      case 'count': {
        const s = this.bySku.get(report.sku)!
        result = { counts: [{ location: s.shelfLocation, qty: report.shelf }, { location: s.backroomLocation, qty: report.backroom }] }
        equivalent.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.shelfLocation, qty: report.shelf })
        equivalent.push({ id: id(), type: 'cycle_count', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: report.backroom })
        break
      }
      case 'putaway': {
        const s = this.bySku.get(report.sku)!
        const toShelf = work.to === 'shelf' ? Math.min(report.units, report.toShelf ?? 0) : 0
        const rest = report.units - toShelf
        if (work.to === 'shelf' && rest > 0) {
          // The shelf took less than planned: the rest went to the backroom bin, scanned there.
          before.push({ id: id(), type: 'putaway', occurredAt: at, sku: s.sku, location: s.backroomLocation, qty: rest, data: { from: RECEIVING } })
        }
        const moved = work.to === 'shelf' ? toShelf : report.units
        const to = work.to === 'shelf' ? s.shelfLocation : s.backroomLocation
        // Found at the dock: what was there before taking, less the part already reported put away
        // to the backroom (that event goes first), and never less than what was moved.
        const shelfRest = work.to === 'shelf' ? rest : 0
        result = { moved, to, ...(report.found !== undefined ? { found: Math.max(report.found - shelfRest, moved) } : {}) }
        if (moved > 0) equivalent.push({ id: id(), type: 'putaway', occurredAt: at, sku: s.sku, location: to, qty: moved, data: { from: RECEIVING } })
        break
      }
      case 'review':
        result = { decision: 'accept' }
        break
      default:
        return
    }
    if (before.length > 0) this.hh.post(associate, before)
    const started = iso(work.startedAt ?? now.t)
    const laborMin = Math.max(0, (now.t - (work.startedAt ?? now.t)) / 60000)
    this.hh.act(associate, [
      { actionId: `${associate}:${work.id}:claim`, taskId, action: 'claim', at: started },
      { actionId: `${associate}:${work.id}:complete`, taskId, action: 'complete', at, result: { ...result, laborMin } }
    ], equivalent)
  }

  sold (): void {}

  orders (now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>> {
    return this.orderSource.orders(now, onOrderUnits)
  }

  orderReviewMin (): number {
    return this.orderSource.takeReviewMin?.() ?? 0
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
