// The traditional store: static min-max orders on its own book, put-away in arrival order, a fixed
// shelf-fill walk twice a day, and a calendar cycle count. It never asks the store server anything
// (its POS and handheld still report to it, as a store's systems would). Its book is the legacy
// perpetual inventory: one on-hand total per item, credited from the advance ship notice at
// receiving, debited by the POS, overwritten by counts.

import type { RecordView } from '../kpi/recorder.js'
import type { Layout, SimSku } from '../layout.js'
import type { Delivery } from '../world/dock.js'
import type { Work, WorkQueue } from '../world/labor.js'
import { casesToOrder, minMaxOf, type MinMax } from './min-max.js'
import type { Now, Policy, WorkReport } from './policy.js'
import { EventIds, iso, type HandheldPort } from './ports.js'

export interface TraditionalOptions {
  /** Minutes after midnight of the two shelf-fill walks. */
  walks: number[]
  /** Every SKU is counted once in this many days. */
  countCycleDays: number
  /** Minute the day's calendar counts are handed out. */
  countAt: number
}

export const TRADITIONAL_DEFAULTS: TraditionalOptions = { walks: [8 * 60, 15 * 60], countCycleDays: 56, countAt: 9 * 60 }

export class TraditionalPolicy implements Policy {
  readonly name = 'traditional' as const
  private readonly book = new Map<string, number>()
  private readonly levels = new Map<string, MinMax>()
  private readonly bySku = new Map<string, SimSku>()
  private readonly ids = new EventIds()
  private countCursor = 0
  /** Counts done, and those whose result differed from the book (the count found something). */
  private countsDone = 0
  private countsOff = 0

  constructor (private readonly layout: Layout, initial: (s: SimSku) => number, private readonly hh: HandheldPort, private readonly opts: TraditionalOptions = TRADITIONAL_DEFAULTS) {
    for (const s of layout.skus) {
      this.book.set(s.sku, initial(s))
      this.levels.set(s.sku, minMaxOf(s))
      this.bySku.set(s.sku, s)
    }
  }

  async tick (now: Now, queue: WorkQueue): Promise<void> {
    if (this.opts.walks.includes(now.minute)) {
      // One walk of every bay, in store order.
      for (const bay of this.layout.bays.keys()) queue.push({ kind: 'walk', priority: 0, createdAt: now.t, reason: 'scheduled walk', sku: null, bay })
    }
    if (now.minute === this.opts.countAt) {
      const n = Math.ceil(this.layout.skus.length / this.opts.countCycleDays)
      for (let i = 0; i < n; i++) {
        const s = this.layout.skus[this.countCursor++ % this.layout.skus.length]
        queue.push({ kind: 'count', priority: -1, createdAt: now.t, reason: 'calendar', sku: s.sku })
      }
    }
  }

  delivery (now: Now, d: Delivery, queue: WorkQueue): void {
    queue.push({ kind: 'receive', priority: 10, createdAt: now.t, reason: 'delivery', sku: null, cartons: d.cartons.map((c) => c.id), ref: d.id })
    // The book takes the supplier's word at receiving: the ASN quantities, into the backroom.
    const events: object[] = []
    for (const line of d.asn) {
      this.book.set(line.sku, (this.book.get(line.sku) ?? 0) + line.units)
      const s = this.bySku.get(line.sku)
      if (s) events.push({ id: `${d.id}:${line.sku}`, type: 'receipt', occurredAt: iso(now.t), sku: line.sku, location: s.backroomLocation, qty: line.units, data: { asn: d.id } })
    }
    if (events.length > 0) this.hh.post('receiving', events)
  }

  done (now: Now, work: Work, report: WorkReport, associate: string, queue: WorkQueue): void {
    if (report.kind === 'receive') {
      // Put-away in arrival order: priority falls with arrival time.
      for (const c of report.cartons) queue.push({ kind: 'putaway', priority: -now.t / 1e12, createdAt: now.t, reason: 'arrival order', sku: c.sku, cartons: [c.id] })
    } else if (report.kind === 'count') {
      this.countsDone++
      if ((this.book.get(report.sku) ?? 0) !== report.shelf + report.backroom) this.countsOff++
      this.book.set(report.sku, report.shelf + report.backroom)
      const s = this.bySku.get(report.sku)!
      this.hh.post(associate, [
        { id: this.ids.next(associate, work.id), type: 'cycle_count', occurredAt: iso(now.t), sku: s.sku, location: s.shelfLocation, qty: report.shelf },
        { id: this.ids.next(associate, work.id), type: 'cycle_count', occurredAt: iso(now.t), sku: s.sku, location: s.backroomLocation, qty: report.backroom }
      ])
    }
  }

  sold (sku: string, qty: number): void {
    this.book.set(sku, (this.book.get(sku) ?? 0) - qty)
  }

  async orders (_now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>> {
    const out: Array<{ sku: string, cases: number }> = []
    for (const s of this.layout.skus) {
      const position = Math.max(0, this.book.get(s.sku) ?? 0) + onOrderUnits(s.sku)
      const cases = casesToOrder(s, this.levels.get(s.sku)!, position)
      if (cases > 0) out.push({ sku: s.sku, cases })
    }
    return out
  }

  async refresh (): Promise<void> {}

  /** Count precision: the share of counts that found the book wrong. */
  countPrecision (): { counts: number, discrepancies: number } {
    return { counts: this.countsDone, discrepancies: this.countsOff }
  }

  record (sku: string): RecordView | undefined {
    const n = this.book.get(sku)
    return n === undefined ? undefined : { shelf: 0, backroom: Math.max(0, n), receiving: 0 }
  }
}
