// One simulated run: days of store time, minute by minute. The engine owns the physical truth
// (StoreWorld), plays the day's customers, thieves, deliveries and outages, has associates do the
// work a policy queues, lets the devices report what they see, and feeds the KPI recorder from the
// truth. A policy sees only what associates report and its own record.

import { DEFAULT_HOURS } from '../demand/intraday.js'
import { KpiRecorder, type Kpis } from '../kpi/recorder.js'
import type { SimSku } from '../layout.js'
import type { Policy, WorkReport, Now } from '../policy/policy.js'
import { Rng } from '../rng.js'
import { Dock, type Carton, type Delivery } from '../world/dock.js'
import { crewFor, DEFAULT_TIMES, minutesFor, WorkQueue, type Associate, type Work } from '../world/labor.js'
import { StoreWorld, type Flows } from '../world/store.js'
import { Supplier } from '../world/supply.js'
import { addDays, MINUTES, planDay } from './day-plan.js'
import { cameraId, POS_LANES, type BasketLine, type StoreDevices } from './devices.js'
import type { Setup, SimOptions } from './setup.js'

const OPEN = DEFAULT_HOURS.open * 60
const CLOSE = DEFAULT_HOURS.close * 60
/** Deliveries reach the dock before opening, minutes after midnight. */
const DELIVERY_AT = 5 * 60
/** Orders go to the supplier after close. */
const ORDER_AT = CLOSE + 30
/** Cameras sweep their zone this often, minutes. */
const CAMERA_EVERY = 30
/** A basket holds at most this many lines (customers in the same minute share lanes). */
const BASKET_LINES = 8

export interface HourObserver {
  /** Each hour of the open day, after the record is refreshed: for the training export. */
  hour (now: Now, world: StoreWorld, policy: Policy): void
  /** Units sold at a SKU index this minute (what the POS tells the server). */
  sold (now: Now, sku: SimSku, qty: number): void
  /** Each open minute, after its sales: to see when shelves are really empty. */
  openTick (now: Now, world: StoreWorld): void
  /** A gap report reached the server. */
  gap (now: Now, sku: SimSku): void
  close (): void
}

export interface RunContext {
  setup: Setup
  policy: Policy
  devices: StoreDevices
  observer?: HourObserver
  /** Called at the end of each day. */
  progress?: (dayDone: number, days: number) => void
  /**
   * Awaited before each simulated minute: holds the run to a wall clock (the demo's accelerated
   * time) and may throw to stop it there. Without it the run goes as fast as the server takes it.
   */
  pace?: (now: Now) => Promise<void>
}

export interface RunOutcome {
  kpis: Kpis
  series: ReturnType<KpiRecorder['series']>
  flows: Flows
  conserved: boolean
  sent: Record<string, number>
  workWaitingAtEnd: number
}

export async function runStore (o: SimOptions, ctx: RunContext): Promise<RunOutcome> {
  return await new Engine(o, ctx).run()
}

class Engine {
  private readonly skus: SimSku[]
  private readonly world: StoreWorld
  private readonly kpi: KpiRecorder
  private readonly queue = new WorkQueue()
  private readonly dock = new Dock()
  private readonly supplier: Supplier
  private readonly crew: Associate[]
  private readonly scanRng: Rng
  private readonly errorRng: Rng
  private readonly cameraRng: Rng
  private readonly bySku = new Map<string, SimSku>()
  private txn = 0
  private detections = 0
  private cartons = 0

  constructor (private readonly o: SimOptions, private readonly ctx: RunContext) {
    this.skus = ctx.setup.layout.skus
    for (const s of this.skus) this.bySku.set(s.sku, s)
    this.world = new StoreWorld(this.skus, (s) => ctx.setup.initial[(s as SimSku).index])
    this.kpi = new KpiRecorder({ skus: this.skus.map((s) => ({ sku: s.sku, unitPrice: s.unitPrice, meanDaily: s.meanDaily })), tickMinutes: 1 })
    this.supplier = new Supplier(new Rng(o.seed, 'supply'), { lateRate: o.rates.lateDeliveryPct / 100, maxLateDays: 3 })
    this.crew = crewFor(this.skus.length, ctx.setup.layout.zones)
    this.scanRng = new Rng(o.seed, 'scan')
    this.errorRng = new Rng(o.seed, 'receiving')
    this.cameraRng = new Rng(o.seed, 'camera')
  }

  async run (): Promise<RunOutcome> {
    const { devices, policy } = this.ctx
    const dayMs = 86400000
    const t0 = Date.parse(`${this.o.startDate}T00:00:00Z`)
    for (let day = 0; day < this.o.days; day++) {
      const date = addDays(this.o.startDate, day)
      const plan = planDay({ seed: this.o.seed, day, date, skus: this.skus, rates: this.o.rates, spikes: this.o.spikes, promos: this.ctx.setup.promos, devices: devices.ids() })
      for (let minute = 0; minute < MINUTES; minute++) {
        const now: Now = { t: t0 + day * dayMs + minute * 60000, day, minute }
        await this.ctx.pace?.(now)
        await devices.clock(now.t)
        for (const out of plan.outages) {
          if (out.from === minute) await devices.setOnline(out.id, false)
          if (out.to === minute) await devices.setOnline(out.id, true)
        }
        if (minute === DELIVERY_AT) this.deliveries(now)
        this.finishWork(now)
        await policy.tick(now, this.queue)
        // What associates reported reaches the server before this minute's customers do, so a
        // replay applies the same events in the same order.
        await devices.settle()
        if (minute % 60 === 0 && minute >= OPEN && minute <= CLOSE) {
          // The hour's look at the record, before this minute's customers.
          await devices.settle()
          await policy.refresh(now)
          this.kpi.recordSnapshot(now.t, this.world.list(), (sku) => policy.record(sku))
          this.ctx.observer?.hour(now, this.world, policy)
        }
        const open = minute >= OPEN && minute < CLOSE
        if (open) {
          this.customers(now, plan.wants[minute])
          for (const w of plan.shrink[minute]) this.shrink(now, this.skus[w.sku], w.qty)
          if ((minute - OPEN) % CAMERA_EVERY === 0) this.cameras(now)
        }
        this.assignWork(now)
        if (open) {
          this.kpi.openTick(now.t, this.world.list())
          this.ctx.observer?.openTick(now, this.world)
        }
        if (minute === ORDER_AT) await this.order(now)
        await devices.settle()
      }
      this.kpi.dayEnd(day, this.world.list(), t0 + day * dayMs)
      this.ctx.progress?.(day + 1, this.o.days)
    }
    await devices.settle()
    this.ctx.observer?.close()
    return {
      kpis: this.kpi.result(),
      series: this.kpi.series(),
      flows: { ...this.world.flows },
      conserved: this.world.conserved(),
      sent: devices.counts(),
      workWaitingAtEnd: this.queue.size
    }
  }

  /** What arrives today: whole cases as ordered, unless the supplier got it wrong. */
  private deliveries (now: Now): void {
    const arriving = this.supplier.arrivals(now.day)
    if (arriving.length === 0) return
    const d: Delivery = { id: `DLV-${now.day + 1}-${arriving[0].id}`, arrivedAt: now.t, asn: [], cartons: [] }
    for (const order of arriving) {
      const s = this.bySku.get(order.sku)!
      // One ASN line per item: a late order arriving with today's adds to its line.
      const line = d.asn.find((l) => l.sku === s.sku)
      if (line) { line.cases += order.cases; line.units += order.cases * s.casePack }
      else d.asn.push({ sku: s.sku, cases: order.cases, units: order.cases * s.casePack })
      let cases = order.cases
      let wrong: SimSku | null = null
      if (this.errorRng.chance(this.o.rates.receivingErrorPct / 100)) {
        const kind = this.errorRng.int(3)
        if (kind === 0) cases -= 1
        else if (kind === 1) cases += 1
        else {
          cases -= 1
          wrong = this.skus[this.errorRng.int(this.skus.length)]
          if (wrong.sku === s.sku) { wrong = null; cases += 1 }
        }
        this.kpi.exceptionOpened({ kind: kind === 0 ? 'short delivery' : kind === 1 ? 'over delivery' : 'wrong item', sku: s.sku, t: now.t })
        if (wrong) this.kpi.exceptionOpened({ kind: 'wrong item', sku: wrong.sku, t: now.t })
      }
      for (let c = 0; c < cases; c++) d.cartons.push(this.carton(s, now))
      if (wrong) d.cartons.push(this.carton(wrong, now))
    }
    for (const c of d.cartons) {
      this.world.deliverUnits(c.sku, c.units)
      this.kpi.cartonArrived(c.id, c.sku, now.t)
    }
    this.dock.arrive(d)
    this.ctx.policy.delivery(now, d, this.queue)
  }

  private carton (s: SimSku, now: Now): Carton {
    return { id: `CTN-${String(++this.cartons).padStart(7, '0')}`, sku: s.sku, units: s.casePack, arrivedAt: now.t }
  }

  private customers (now: Now, wants: ReadonlyArray<{ sku: number, qty: number }>): void {
    let lines: BasketLine[] = []
    const ring = (): void => {
      if (lines.length === 0) return
      const lane = POS_LANES[this.txn % POS_LANES.length]
      this.ctx.devices.basket(now.t, lane, `L${lane}-${String(++this.txn).padStart(8, '0')}`, lines)
      lines = []
    }
    for (const w of wants) {
      const s = this.skus[w.sku]
      const { sold } = this.world.sell(s.sku, w.qty)
      this.kpi.sale(now.t, s.sku, w.qty, sold)
      if (sold === 0) continue
      this.ctx.policy.sold(s.sku, sold)
      this.ctx.observer?.sold(now, s, sold)
      lines.push({ sku: s.sku, qty: sold, price: this.priceOn(s, now.day) })
      if (lines.length >= BASKET_LINES) ring()
    }
    ring()
  }

  /** The shelf price, less any promotion running that day. */
  private priceOn (s: SimSku, day: number): number {
    let price = s.unitPrice
    for (const p of this.ctx.setup.promos) {
      if (day >= p.fromDay && day <= p.toDay && p.skus.has(s.sku)) price *= 1 - p.discountPct / 100
    }
    return Math.round(price * 100) / 100
  }

  private shrink (now: Now, s: SimSku, qty: number): void {
    if (this.world.shrink(s.sku, qty) > 0) this.kpi.exceptionOpened({ kind: 'shrink', sku: s.sku, t: now.t })
  }

  /** Each zone's camera reports the empty facings it sees, misses some, and imagines a few. */
  private cameras (now: Now): void {
    const passesPerDay = (CLOSE - OPEN) / CAMERA_EVERY
    for (const zone of this.ctx.setup.layout.zones) {
      const cam = cameraId(zone)
      const online = this.ctx.devices.isOnline(cam)
      const inZone: SimSku[] = []
      for (const s of this.skus) {
        if (s.zone !== zone) continue
        inZone.push(s)
        if (this.world.state(s.sku).shelf > 0 || this.cameraRng.chance(this.o.rates.gapMissPct / 100)) continue
        if (online) this.report(now, zone, s)
      }
      if (online && this.cameraRng.chance(Math.min(1, this.o.rates.gapFalsePerDay / passesPerDay))) {
        const s = inZone[this.cameraRng.int(inZone.length)]
        if (this.world.state(s.sku).shelf > 0) this.report(now, zone, s)
      }
    }
  }

  private report (now: Now, zone: string, s: SimSku): void {
    this.ctx.devices.gap(now.t, zone, `DET-${String(++this.detections).padStart(8, '0')}`, s.shelfLocation, s.sku)
    this.ctx.observer?.gap(now, s)
  }

  private async order (now: Now): Promise<void> {
    const onOrderUnits = (sku: string): number => this.supplier.onOrder(sku) * this.bySku.get(sku)!.casePack
    for (const line of await this.ctx.policy.orders(now, onOrderUnits)) {
      const s = this.bySku.get(line.sku)
      if (!s || line.cases <= 0) continue
      this.supplier.order(s.sku, line.cases, now.day, s.leadTimeDays)
      this.kpi.orderPlaced(now.t, s.sku, line.cases, line.cases * s.casePack)
    }
    const review = this.ctx.policy.orderReviewMin?.() ?? 0
    if (review > 0) this.kpi.managerWork(now.t, review)
  }

  private assignWork (now: Now): void {
    for (const a of this.crew) {
      if (a.current || now.minute < a.shiftStart || now.minute >= a.shiftEnd) continue
      const zones = a.zones
      const got = this.queue.take(a.role, zones === null ? undefined : (w) => { const z = this.zoneOf(w); return z === null || zones.includes(z) })
      if (!got) continue
      const w = got.work
      a.current = w
      a.startedAt = now.t
      w.startedAt = now.t
      // Helping out in another department costs a walk across the store and back.
      const minutes = this.estimate(w) + (got.away ? DEFAULT_TIMES.tripMin : 0)
      a.busyUntil = now.t + Math.max(1, Math.round(minutes)) * 60000
    }
  }

  /** The department zone a piece of work is in; null for the dock and the backroom. */
  private zoneOf (w: Work): string | null {
    if (w.bay !== undefined) return this.ctx.setup.layout.bays.get(w.bay)?.[0]?.zone ?? null
    if (w.kind === 'fill' || w.kind === 'count') return this.bySku.get(w.sku!)?.zone ?? null
    return null
  }

  /** Minutes a piece of work will take, from what it involves right now. */
  private estimate (w: Work): number {
    switch (w.kind) {
      case 'receive': return minutesFor('receive', { cases: w.cartons?.length ?? 0 })
      case 'putaway': {
        if (w.qty === undefined) return minutesFor('putaway', { cases: 1 })
        const casePack = this.bySku.get(w.sku!)?.casePack ?? 1
        const cases = Math.max(1, Math.min(this.dock.countOf(w.sku!), Math.ceil(w.qty / casePack)))
        // Straight to the shelf: the cartons go out to the floor and the cart comes back.
        return minutesFor('putaway', { cases }) + (w.to === 'shelf' ? DEFAULT_TIMES.tripMin : 0)
      }
      case 'review': return minutesFor('review', {})
      case 'fill': {
        const st = this.world.state(w.sku!)
        return minutesFor('fill', { units: Math.min(st.backroom, st.spec.shelfCapacity - st.shelf) })
      }
      case 'count': {
        const st = this.world.state(w.sku!)
        return minutesFor('count', { units: st.shelf + st.backroom + st.misplaced })
      }
      case 'walk': {
        const bay = this.ctx.setup.layout.bays.get(w.bay!) ?? []
        let units = 0
        for (const s of bay) {
          const st = this.world.state(s.sku)
          units += Math.min(st.backroom, st.spec.shelfCapacity - st.shelf)
        }
        return minutesFor('walk', { skus: bay.length, units })
      }
    }
  }

  private finishWork (now: Now): void {
    for (const a of this.crew) {
      const w = a.current
      if (!w || a.busyUntil > now.t) continue
      a.current = null
      const { report, shelved } = this.perform(now, w)
      this.queue.release(w)
      const laborMin = (now.t - a.startedAt) / 60000
      this.kpi.taskDone({ kind: w.kind, sku: w.sku, startedAt: a.startedAt, endedAt: now.t, laborMin, unitsShelved: shelved })
      this.ctx.policy.done(now, w, report, a.id, this.queue)
    }
  }

  /** The physical effect of finished work, and what the associate's scans say of it. */
  private perform (now: Now, w: Work): { report: WorkReport, shelved: number } {
    switch (w.kind) {
      case 'receive': {
        const cartons = (w.cartons ?? []).map((id) => this.dock.peek(id)).filter((c): c is Carton => c !== undefined)
        for (const c of cartons) this.kpi.cartonReceived(c.id, now.t)
        return { report: { kind: 'receive', cartons: cartons.map((c) => ({ id: c.id, sku: c.sku, units: this.scan(now, c.sku, c.units) })) }, shelved: 0 }
      }
      case 'putaway': {
        if (w.qty !== undefined) return this.putAwayBySku(now, w)
        const c = this.dock.take(w.cartons![0])
        if (!c) return { report: { kind: 'putaway', sku: w.sku!, units: 0 }, shelved: 0 }
        const misplaced = this.errorRng.chance(this.o.rates.misplacePct / 100)
        this.world.putAway(c.sku, c.units, misplaced ? c.units : 0)
        if (misplaced) this.kpi.exceptionOpened({ kind: 'misplaced', sku: c.sku, t: now.t })
        this.kpi.cartonPutAway(c.id, now.t)
        return { report: { kind: 'putaway', sku: c.sku, units: this.scan(now, c.sku, c.units) }, shelved: 0 }
      }
      case 'fill': {
        const st = this.world.state(w.sku!)
        const shelfBefore = st.shelf
        const moved = this.world.fill(st.sku, st.spec.shelfCapacity - st.shelf)
        return { report: { kind: 'fill', sku: st.sku, shelfBefore: this.scan(now, st.sku, shelfBefore), moved: this.scan(now, st.sku, moved), backroomLeft: st.backroom }, shelved: moved }
      }
      case 'count': {
        const st = this.world.state(w.sku!)
        this.world.findMisplaced(st.sku)
        return { report: { kind: 'count', sku: st.sku, shelf: this.scan(now, st.sku, st.shelf), backroom: this.scan(now, st.sku, st.backroom) }, shelved: 0 }
      }
      case 'review':
        // Checking the paperwork against the dock moves nothing.
        return { report: { kind: 'review', sku: w.sku! }, shelved: 0 }
      case 'walk': {
        const fills: Array<{ sku: string, shelfBefore: number, moved: number }> = []
        let shelved = 0
        for (const s of this.ctx.setup.layout.bays.get(w.bay!) ?? []) {
          const st = this.world.state(s.sku)
          const before = st.shelf
          const moved = this.world.fill(s.sku, st.spec.shelfCapacity - st.shelf)
          shelved += moved
          if (moved > 0) fills.push({ sku: s.sku, shelfBefore: before, moved })
        }
        return { report: { kind: 'walk', fills }, shelved }
      }
    }
  }

  /** A put-away the server asked for by SKU: that item's cartons from the dock, to the shelf or the backroom. */
  private putAwayBySku (now: Now, w: Work): { report: WorkReport, shelved: number } {
    const sku = w.sku!
    // What the associate sees of the item at the dock before taking any: reported as found.
    const found = this.scan(now, sku, this.dock.unitsOf(sku))
    const cartons = this.dock.takeOf(sku, w.qty!)
    const units = cartons.reduce((n, c) => n + c.units, 0)
    for (const c of cartons) this.kpi.cartonPutAway(c.id, now.t)
    if (w.to === 'shelf') {
      const { shelf } = this.world.shelve(sku, units)
      return { report: { kind: 'putaway', sku, units: this.scan(now, sku, units), toShelf: shelf, found }, shelved: shelf }
    }
    const misplaced = units > 0 && this.errorRng.chance(this.o.rates.misplacePct / 100)
    this.world.putAway(sku, units, misplaced ? units : 0)
    if (misplaced) this.kpi.exceptionOpened({ kind: 'misplaced', sku, t: now.t })
    return { report: { kind: 'putaway', sku, units: this.scan(now, sku, units), found }, shelved: 0 }
  }

  /** A handheld scan of a quantity: right, or (at the scan error rate) off by one or two. */
  private scan (now: Now, sku: string, qty: number): number {
    if (!this.scanRng.chance(this.o.rates.scanErrorPct / 100)) return qty
    const off = (1 + this.scanRng.int(2)) * (this.scanRng.chance(0.5) ? 1 : -1)
    const wrong = Math.max(0, qty + off)
    if (wrong !== qty) this.kpi.exceptionOpened({ kind: 'scan error', sku, t: now.t })
    return wrong
  }
}
