// The put-away detector: stock on hand at a receiving location (by the record) becomes put-away
// tasks. What the SKU's shelf needs (room to capacity, whole cases) goes straight to the shelf in
// one put-away (location = the shelf, fromLocation = the dock), valued like a fill by the shelf's
// risk; the rest goes to the SKU's backroom bin, valued low but with a deadline receivingDwellMaxH
// after it arrived, so nothing dwells at the dock. Run for the SKUs of each committed batch (a
// receipt, a sale, a put-away) and of each rescoring, and every DWELL_REFRESH_MS for every SKU at
// a dock (the backroom value grows with age). Live put-aways are updated in place; open ones no
// longer needed are cancelled with the reason. Put-aways made by hand are left alone.

import type { Clock } from '../core/clock.js'
import type { Log } from '../core/log.js'
import type { Scheduler } from '../core/scheduler.js'
import type { Item, LocationKind } from '../store/catalog.js'
import type { CurrentScores } from '../scoring/service/current.js'
import { FEATURE_INDEX } from '../scoring/spec.js'
import { shelfStock, type Stock } from './fill/plan.js'
import { backroomValue, pickBinFor, putawayMinutes, ruleRisk, shelfShare, shelfValue } from './putaway/plan.js'
import type { TaskStore } from './tasks/task-store.js'
import type { Task, TaskDraft } from './tasks/types.js'

export interface PutawayStock {
  record (sku: string, location: string): Stock
  positionsOf (sku: string): ReadonlyArray<{ location: string, onHand: number, inTransit: number }>
  positions (): ReadonlyArray<{ sku: string, location: string, onHand: number }>
}

export interface PutawayDetectorOptions {
  config: { receivingDwellMaxH: number }
  scores: CurrentScores
  stock: PutawayStock
  tasks: TaskStore
  item: (sku: string) => Item | undefined
  kindOf: (location: string) => LocationKind | undefined
  /** Every backroom location, by id: where a SKU with no bin yet goes. */
  backroomBins: () => readonly string[]
  /** Rate of sale at a shelf, units/h, when the shelf has no current score. */
  rateOf: (sku: string, shelf: string) => number
  clock: Clock
  scheduler: Scheduler
  log: Log
}

/** How often every SKU at a dock is replanned (the backroom value grows with age), milliseconds of the server clock. */
export const DWELL_REFRESH_MS = 15 * 60_000

/** Marks the put-aways this detector made (why.detector): the only ones it updates or cancels. */
export const DETECTOR = 'putaway'

export interface PutawayResult { created: number, updated: number, cancelled: number }

export class PutawayDetector {
  private cancelRefresh: (() => void) | null = null

  constructor (private readonly o: PutawayDetectorOptions) {}

  start (): void {
    this.cancelRefresh = this.o.scheduler.every('putaway-refresh', DWELL_REFRESH_MS, () => { this.detectAll() })
  }

  stop (): void {
    this.cancelRefresh?.()
    this.cancelRefresh = null
  }

  /** Plans the put-aways of these SKUs against the record now. */
  detect (skus: Iterable<string>): PutawayResult {
    const res: PutawayResult = { created: 0, updated: 0, cancelled: 0 }
    const live = new Map<string, Task[]>()
    for (const t of this.o.tasks.liveOf('putaway')) {
      const list = live.get(t.sku)
      if (list) list.push(t)
      else live.set(t.sku, [t])
    }
    const todo = [...new Set(skus)].filter((sku) => live.has(sku) || this.o.stock.positionsOf(sku).some((p) => this.isDock(p.location)))
    if (todo.length === 0) return res
    this.o.tasks.batch(() => { for (const sku of todo) this.one(sku, live.get(sku) ?? [], res) })
    if (res.created + res.updated + res.cancelled > 0) this.o.log.debug({ ...res, skus: todo.length }, 'put-away tasks detected')
    return res
  }

  /** Every SKU on hand at a receiving location (the periodic refresh). */
  detectAll (): PutawayResult {
    const skus = this.o.stock.positions().filter((p) => p.onHand > 0 && this.isDock(p.location)).map((p) => p.sku)
    return this.detect([...skus, ...this.o.tasks.liveOf('putaway').map((t) => t.sku)])
  }

  private isDock (location: string): boolean { return this.o.kindOf(location) === 'receiving' }

  private one (sku: string, live: Task[], res: PutawayResult): void {
    const item = this.o.item(sku)
    const positions = this.o.stock.positionsOf(sku)
    // The dock holding the most of it: one source at a time (the next dock once it is empty).
    let dock: { location: string, onHand: number } | null = null
    for (const p of positions) {
      if (!this.isDock(p.location) || p.onHand <= 0) continue
      if (dock === null || p.onHand > dock.onHand || (p.onHand === dock.onHand && p.location < dock.location)) dock = p
    }
    const planned = dock === null ? [] : this.plan(sku, item, dock, positions, live)
    const mine = live.filter((t) => t.why.detector === DETECTOR)
    for (const t of mine) {
      if (t.state !== 'open' || planned.some((d) => d.location === t.location)) continue
      const reason = dock === null ? 'receiving location empty for the SKU' : this.o.kindOf(t.location) === 'shelf' ? 'the shelf needs no more by the record' : 'nothing left for the backroom'
      this.o.tasks.cancel(t.id, reason)
      this.o.tasks.audit('system', 'task.cancel', t.id, { reason })
      res.cancelled++
    }
    for (const d of planned) {
      const t = live.find((x) => x.location === d.location)
      if (t !== undefined && t.why.detector !== DETECTOR) continue // made by hand: the operator's to change
      // An associate holds it: it stays as they took it (changing it would turn their completion into a conflict).
      if (t !== undefined && t.state !== 'open') continue
      if (t !== undefined && t.qty === d.qty && t.fromLocation === d.fromLocation && Math.abs(t.value - (d.value ?? 0)) < 1e-9) continue
      const { created } = this.o.tasks.upsertLive(d)
      if (created) res.created++
      else res.updated++
    }
  }

  private plan (sku: string, item: Item | undefined, dock: { location: string, onHand: number }, positions: ReadonlyArray<{ location: string, onHand: number }>, live: Task[]): TaskDraft[] {
    const pack = Math.max(1, item?.casePack ?? 1)
    const price = item?.unitPrice ?? null
    const nowMs = this.o.clock.now()
    const out: TaskDraft[] = []
    const home = item?.homeLocation ?? null
    const shelf = home !== null && this.o.kindOf(home) === 'shelf' ? home : null
    let toShelf = 0
    if (shelf !== null) {
      const onShelf = this.o.stock.record(sku, shelf)
      toShelf = shelfShare(item?.shelfCapacity ?? null, pack, onShelf, dock.onHand)
      if (toShelf > 0) {
        const s = this.o.scores.get(sku, shelf)
        const rate = s ? s.features[FEATURE_INDEX.rate_now] : this.o.rateOf(sku, shelf)
        const risk = s?.score ?? ruleRisk(onShelf, item?.shelfCapacity ?? null, rate)
        const laborMin = putawayMinutes(toShelf, pack)
        out.push({
          kind: 'putaway',
          sku,
          location: shelf,
          fromLocation: dock.location,
          qty: toShelf,
          value: shelfValue(risk, price, rate, laborMin),
          laborMin,
          why: { detector: DETECTOR, to: 'shelf', risk, scorer: s?.scorer ?? 'putaway-rule', ratePerH: rate, shelf: { onHand: onShelf.onHand, inTransit: onShelf.inTransit, stock: shelfStock(onShelf), capacity: item?.shelfCapacity ?? null }, dock: { location: dock.location, onHand: dock.onHand }, casePack: pack }
        })
      }
    }
    const rest = dock.onHand - toShelf
    if (rest > 0) {
      const bin = pickBinFor(positions, (l) => this.o.kindOf(l) === 'backroom', this.o.backroomBins())
      if (bin === null) {
        this.o.log.warn({ sku, units: rest }, 'no backroom location to put received stock away to')
      } else {
        const before = live.find((t) => t.location === bin)
        const since = before ? Date.parse(before.createdAt) : nowMs
        const deadline = before?.deadline ?? new Date(nowMs + this.o.config.receivingDwellMaxH * 3_600_000).toISOString()
        const laborMin = putawayMinutes(rest, pack)
        out.push({
          kind: 'putaway',
          sku,
          location: bin,
          fromLocation: dock.location,
          qty: rest,
          value: backroomValue(price, rest, laborMin, (nowMs - since) / 3_600_000, this.o.config.receivingDwellMaxH),
          laborMin,
          deadline,
          why: { detector: DETECTOR, to: 'backroom', dwellMaxH: this.o.config.receivingDwellMaxH, shelfTakes: toShelf, dock: { location: dock.location, onHand: dock.onHand }, casePack: pack }
        })
      }
    }
    return out
  }
}
