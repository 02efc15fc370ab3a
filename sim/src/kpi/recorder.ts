// Records a run's KPIs from ground truth as the engine steps through it. "Truth" is the simulator's
// physical store; "record" is what the policy's inventory system believes, and is only ever compared
// against truth, never counted as stock. The engine calls openTick ~1,000 times a day for up to 5,000
// SKUs, so per-SKU state lives in typed arrays indexed by SKU position and no call allocates in
// proportion to the store. Times are sim time, epoch milliseconds.

import { Days, type DailySeries } from './days.js'
import { Episodes } from './episodes.js'
import { OpenExceptions } from './exceptions.js'
import type { Kpis } from './kpis.js'
import { mean, quantile } from './stats.js'
import { WeekLoad } from './week.js'

export type { Kpis } from './kpis.js'

export interface TruthView { sku: string, shelf: number, backroom: number, misplaced: number, receiving: number }
export interface RecordView { shelf: number, backroom: number, receiving: number }
export type TaskKind = 'receive' | 'putaway' | 'fill' | 'count' | 'review' | 'walk'
export interface KpiSku { sku: string, unitPrice: number, meanDaily: number }

const MIN = 60_000 // ms per minute
const HOUR = 3_600_000 // ms per hour

const avg = (xs: readonly number[]): number => xs.length === 0 ? 0 : mean(xs)
const p90 = (xs: readonly number[]): number => xs.length === 0 ? 0 : quantile(xs, 0.9)
const pct = (part: number, whole: number): number => whole === 0 ? 0 : part / whole * 100

export class KpiRecorder {
  /** Minutes between open ticks: the resolution of every empty-shelf time measured here. */
  readonly tickMinutes: number
  private readonly skus: readonly KpiSku[]
  private readonly index = new Map<string, number>()
  // Shelf first seen empty at an open tick -> first open tick seen stocked. An episode spanning the
  // night counts its elapsed clock minutes, closed hours included: the shelf was empty all along,
  // and the first customers of the morning find it so.
  private readonly empty: Episodes
  private readonly phantom: Episodes
  private readonly days: Days
  private pairs = 0; private stocked = 0
  private wanted = 0; private sold = 0; private lost = 0; private lostRevenue = 0
  private readonly cartons = new Map<string, number>() // carton id -> arrival time
  private readonly dwell: number[] = [] // ms
  private readonly received = new Map<string, number>() // carton id -> receipt scan time
  private readonly dwellAfterReceipt: number[] = [] // ms
  private laborMin = 0; private tasks = 0; private fillLaborMin = 0; private fillUnits = 0
  /** Put-away, fill and walk minutes, and every unit that reached a shelf by any of them. */
  private moveLaborMin = 0
  private shelvedUnits = 0
  private readonly laborByKind: Record<TaskKind, number> = { receive: 0, putaway: 0, fill: 0, count: 0, review: 0, walk: 0 }
  private readonly exceptions: OpenExceptions
  private snapshots = 0; private accuracySum = 0; private accuracyEnd = 0; private lastSnapshot = NaN
  private supplyDaysSum = 0; private supplyDaysN = 0
  /** Per ended day: the store's units on hand over its daily demand, summed; and the days. */
  private storeSupplyDaysSum = 0; private storeSupplyDays = 0
  private orders = 0; private unitsOrdered = 0
  private orderReviewMin = 0; private casesReceived = 0
  private readonly laborWeek = new WeekLoad()
  private readonly casesWeek = new WeekLoad()

  constructor (opts: { skus: readonly KpiSku[], tickMinutes: number }) {
    if (!(opts.tickMinutes > 0)) throw new RangeError(`tickMinutes ${opts.tickMinutes} must be > 0`)
    this.tickMinutes = opts.tickMinutes
    this.skus = opts.skus
    opts.skus.forEach((s, i) => {
      if (this.index.has(s.sku)) throw new RangeError(`SKU ${s.sku} listed twice`)
      this.index.set(s.sku, i)
    })
    const n = opts.skus.length
    this.empty = new Episodes(n)
    this.phantom = new Episodes(n)
    this.days = new Days(n)
    this.exceptions = new OpenExceptions(n)
  }

  /** Once per tick while the store is open, after that tick's sales. */
  openTick (t: number, truth: Iterable<TruthView>): void {
    let pos = 0
    for (const v of truth) {
      const i = this.at(v.sku, pos++)
      const stocked = v.shelf > 0
      this.pairs++
      // Misplaced units are in the store but nobody finds them to sell.
      this.days.tick(i, stocked, stocked || v.backroom + v.receiving > 0)
      if (stocked) {
        this.stocked++
        this.empty.clears(i, t)
      } else {
        this.empty.holds(i, t)
      }
    }
  }

  /** A customer wanted `wanted`, got `sold` (lost = wanted - sold). */
  sale (_t: number, sku: string, wanted: number, sold: number): void {
    const i = this.at(sku, -1)
    if (sold < 0 || sold > wanted) throw new RangeError(`${sku}: sold ${sold} of ${wanted} wanted`)
    this.wanted += wanted
    this.sold += sold
    this.lost += wanted - sold
    this.lostRevenue += (wanted - sold) * this.skus[i].unitPrice
  }

  cartonArrived (cartonId: string, sku: string, t: number): void {
    this.at(sku, -1)
    if (this.cartons.has(cartonId)) throw new RangeError(`carton ${cartonId} arrived twice`)
    this.cartons.set(cartonId, t)
    this.casesReceived++
    this.casesWeek.add(t, 1)
  }

  /** The carton was scanned in at receiving: from here on, how long it waits is the store's doing. */
  cartonReceived (cartonId: string, t: number): void {
    if (this.cartons.has(cartonId) && !this.received.has(cartonId)) this.received.set(cartonId, t)
  }

  cartonPutAway (cartonId: string, t: number): void {
    const scanned = this.received.get(cartonId)
    if (scanned !== undefined) {
      this.dwellAfterReceipt.push(t - scanned)
      this.received.delete(cartonId)
    }
    const arrived = this.cartons.get(cartonId)
    if (arrived === undefined) throw new RangeError(`carton ${cartonId} put away but never arrived`)
    this.dwell.push(t - arrived)
    this.cartons.delete(cartonId)
  }

  taskDone (task: { kind: TaskKind, sku: string | null, startedAt: number, endedAt: number, laborMin: number, unitsShelved: number }): void {
    if (!(task.kind in this.laborByKind)) throw new RangeError(`unknown task kind ${task.kind}`)
    this.tasks++
    this.laborMin += task.laborMin
    this.laborByKind[task.kind] += task.laborMin
    this.laborWeek.add(task.startedAt, task.laborMin)
    // A traditional walk is how that store fills shelves: it counts as fill labor.
    if (task.kind === 'fill' || task.kind === 'walk') {
      this.fillLaborMin += task.laborMin
      this.fillUnits += task.unitsShelved
    }
    if (task.kind === 'fill' || task.kind === 'walk' || task.kind === 'putaway') this.moveLaborMin += task.laborMin
    this.shelvedUnits += task.unitsShelved
  }

  /** The manager's office work at `t` (reviewing order proposals): labor, though no associate's task. */
  managerWork (t: number, minutes: number): void {
    if (!(minutes >= 0)) throw new RangeError(`manager work of ${minutes} min`)
    this.laborMin += minutes
    this.orderReviewMin += minutes
    this.laborWeek.add(t, minutes)
  }

  /** Something went wrong in the world that makes the record diverge for this SKU (receiving error, misplacement, scan error, shrink). */
  exceptionOpened (e: { kind: string, sku: string, t: number }): void {
    this.exceptions.open(this.at(e.sku, -1), e.t)
  }

  /** Hourly: compare record with truth for every SKU. A SKU without a record is believed to have none. */
  recordSnapshot (t: number, truth: Iterable<TruthView>, record: (sku: string) => RecordView | undefined): void {
    let skus = 0
    let accurate = 0
    let pos = 0
    for (const v of truth) {
      const i = this.at(v.sku, pos++)
      const r = record(v.sku)
      const recorded = r === undefined ? 0 : r.shelf + r.backroom + r.receiving
      // Misplaced units exist but nobody can find them: they make the record right, not the shelf fillable.
      const findable = v.shelf + v.backroom + v.receiving
      if (recorded > 0 && findable === 0) this.phantom.holds(i, t)
      else this.phantom.clears(i, t)
      skus++
      if (recorded === findable + v.misplaced) {
        accurate++
        this.exceptions.matched(i, t)
      }
    }
    if (skus === 0) return
    const share = accurate / skus * 100
    this.snapshots++
    this.accuracySum += share
    this.accuracyEnd = share
    this.days.snapshot(share)
    this.lastSnapshot = t
  }

  orderPlaced (_t: number, sku: string, _cases: number, units: number): void {
    this.at(sku, -1)
    this.orders++
    this.unitsOrdered += units
  }

  /**
   * End of each simulated day (day index from 0). `dayStart` (any time in that calendar day) puts
   * the day in the weekly load; without it the week's peak-to-mean figures stay 0.
   */
  dayEnd (day: number, truth: Iterable<TruthView>, dayStart?: number): void {
    this.days.end(day)
    if (dayStart !== undefined) {
      this.laborWeek.dayEnded(dayStart)
      this.casesWeek.dayEnded(dayStart)
    }
    let pos = 0
    let units = 0
    let demand = 0
    for (const v of truth) {
      const meanDaily = this.skus[this.at(v.sku, pos++)].meanDaily
      if (meanDaily > 0) {
        const onHand = v.shelf + v.backroom + v.misplaced + v.receiving
        this.supplyDaysSum += onHand / meanDaily
        this.supplyDaysN++
        units += onHand
        demand += meanDaily
      }
    }
    if (demand > 0) {
      this.storeSupplyDaysSum += units / demand
      this.storeSupplyDays++
    }
  }

  /** Per day: mean record accuracy over its snapshots and OSA, %; NaN for a day without any; a day
   * not yet ended comes last. */
  series (): DailySeries { return this.days.series() }

  result (): Kpis {
    const phantomMs = [...this.phantom.closed, ...this.phantom.openLengths(this.lastSnapshot)]
    return {
      osaPct: pct(this.stocked, this.pairs),
      stockoutRatePct: pct(this.days.stockoutSkuDays, this.days.skuDays),
      storeStockoutRatePct: pct(this.days.storeStockoutSkuDays, this.days.skuDays),
      salesUnits: this.sold,
      lostSalesUnits: this.lost,
      lostSalesRevenue: this.lostRevenue,
      lostSalesPct: pct(this.lost, this.wanted),
      phantomIncidents: this.phantom.opened,
      phantomHoursMean: avg(phantomMs) / HOUR,
      phantomHoursMedian: (phantomMs.length === 0 ? 0 : quantile(phantomMs, 0.5)) / HOUR,
      phantomOpenAtEnd: this.phantom.open,
      // Known only after the run (the policy's tally or the server's): session.ts fills them in.
      countsDone: 0,
      countPrecisionPct: 0,
      randomCountPrecisionPct: this.snapshots === 0 ? 0 : 100 - this.accuracySum / this.snapshots,
      recordAccuracyPct: this.snapshots === 0 ? 0 : this.accuracySum / this.snapshots,
      recordAccuracyEndPct: this.accuracyEnd,
      replenishmentMinMean: avg(this.empty.closed) / MIN,
      replenishmentMinP90: p90(this.empty.closed) / MIN,
      emptyEpisodes: this.empty.opened,
      dwellMinMean: avg(this.dwell) / MIN,
      dwellMinP90: p90(this.dwell) / MIN,
      dwellAfterReceiptMinMean: avg(this.dwellAfterReceipt) / MIN,
      cartonsWaitingAtEnd: this.cartons.size,
      laborMin: this.laborMin,
      laborMinPerTask: this.tasks === 0 ? 0 : (this.laborMin - this.orderReviewMin) / this.tasks,
      laborMinPerUnitShelved: this.fillUnits === 0 ? 0 : this.fillLaborMin / this.fillUnits,
      laborMinPerUnitOnShelf: this.shelvedUnits === 0 ? 0 : this.moveLaborMin / this.shelvedUnits,
      tasks: this.tasks,
      laborMin_fill: this.laborByKind.fill,
      laborMin_putaway: this.laborByKind.putaway,
      laborMin_count: this.laborByKind.count,
      laborMin_receive: this.laborByKind.receive,
      laborMin_walk: this.laborByKind.walk,
      laborMin_orders: this.orderReviewMin,
      laborPeakToMean: this.laborWeek.peakToMean(),
      exceptions: this.exceptions.opened,
      exceptionsResolved: this.exceptions.resolved,
      exceptionResolutionHoursMean: this.exceptions.resolved === 0 ? 0 : this.exceptions.resolutionMs / this.exceptions.resolved / HOUR,
      daysOfSupplyMean: this.supplyDaysN === 0 ? 0 : this.supplyDaysSum / this.supplyDaysN,
      daysOfSupplyStore: this.storeSupplyDays === 0 ? 0 : this.storeSupplyDaysSum / this.storeSupplyDays,
      orders: this.orders,
      unitsOrdered: this.unitsOrdered,
      casesReceived: this.casesReceived,
      casesReceivedPeakToMean: this.casesWeek.peakToMean(),
      // Known only after the run, from the proposals' decisions: session.ts fills them in.
      proposalsDecided: NaN,
      proposalsAutoApprovedPct: NaN,
      managerOverridePct: NaN,
      overridePctOfAllProposals: NaN
    }
  }

  /** SKU `sku`'s position. The engine passes truth in the same order each call, so try `pos` first. */
  private at (sku: string, pos: number): number {
    if (pos >= 0 && pos < this.skus.length && this.skus[pos].sku === sku) return pos
    const i = this.index.get(sku)
    if (i === undefined) throw new RangeError(`unknown SKU ${sku}`)
    return i
  }
}
