// The feature book: per SKU-location shelf-risk features, kept current from committed events, one
// at a time, in commit order. It mirrors the record (positions) and learns the signals (sales,
// looks at the shelf, counts) in event time, so a vector costs a few hundred nanoseconds and the
// same events give the same vectors, bit for bit, live or replayed.

import { MOVING_TYPES } from '../../store/effects.js'
import { learnSignals, type LearnContext } from './learn.js'
import { phantomFacts, type PhantomFacts } from './phantom.js'
import { moveStock } from './mirror.js'
import { rateDay } from './rate.js'
import { WeekShapes } from './shapes.js'
import { SkuState } from './state.js'
import { FAST_MOVER_RATE_DAY, SPIKE_FACTOR, SPIKE_MIN_UNITS } from './tuning.js'
import type { FeatureEvent, ItemFacts, KindOf, LedgerFact, LedgerFacts } from './types.js'
import { writeVector } from './vector.js'
import { weekSlot } from './week.js'

export type { FeatureEvent, ItemFacts, KindOf, LedgerFact, LedgerFacts } from './types.js'

export interface FeatureBookOptions {
  item: (sku: string) => ItemFacts | undefined
  kindOf: KindOf
  /** Every SKU of the item master (their home shelves are scored even before any event). */
  skus?: () => Iterable<string>
  /**
   * Brings master data and the mirror up to date if an import changed them since the last call
   * (see master-sync.ts). keys() and the commit feed call it; it must be cheap when nothing changed.
   */
  refresh?: () => void
}

export interface FeatureKey { sku: string, location: string }

export class FeatureBook {
  private readonly states = new Map<string, SkuState>()
  private readonly shapes = new WeekShapes()
  private readonly learning: LearnContext
  private keyCache: ReadonlyArray<FeatureKey> | null = null
  /** The mirror holds the stock effects of every event up to this seq. */
  private syncedSeq = 0
  /** Ledger rows of events at or below syncedSeq not yet applied (they were in flight at a sync). */
  private pendingFacts: LedgerFacts | null = null
  private highestSeq = 0

  constructor (private readonly opts: FeatureBookOptions) {
    this.learning = { shapes: this.shapes, kindOf: opts.kindOf, categoryOf: (sku) => this.categoryOf(sku) }
  }

  /** The highest journal seq applied. */
  get appliedSeq (): number { return this.highestSeq }

  /** Sets the record mirror of one position (from the database at start, or after a master-data import). */
  setPosition (sku: string, location: string, onHand: number, inTransit: number): void {
    const l = this.state(sku).locOrNew(location, this.opts.kindOf(location))
    if (!l.positioned && l.kind === 'shelf') this.keyCache = null
    l.positioned = true
    l.onHand = onHand
    l.inTransit = inTransit
  }

  /** Empties the mirror before it is read again; what was learned from events stays. */
  clearPositions (): void {
    for (const s of this.states.values()) {
      for (const l of s.locs) {
        l.positioned = false
        l.onHand = 0
        l.inTransit = 0
      }
    }
    this.invalidate()
  }

  /**
   * The mirror now holds the stock effects of every event up to seq (it was just read from the
   * positions table). Events at or below it that reach apply() later move no stock; `facts` gives
   * their ledger rows so counts and fills among them are still learned right.
   */
  markSynced (seq: number, facts?: LedgerFacts): void {
    this.syncedSeq = Math.max(this.syncedSeq, seq)
    this.pendingFacts = facts !== undefined && facts.size > 0 ? facts : null
  }

  /** Forgets what was derived from master data (location kinds, the scored keys). */
  invalidate (): void {
    for (const s of this.states.values()) for (const l of s.locs) l.kind = this.opts.kindOf(l.location)
    this.keyCache = null
  }

  /** Runs the refresh hook (master data changed by an import): cheap when nothing changed. */
  refresh (): void {
    this.opts.refresh?.()
  }

  /**
   * A committed event, in commit order. effects (default true): also move the record mirror
   * exactly as the journal does (store/effects.ts), so the mirror equals the positions table. With
   * effects false only the signals (sales, gaps, counts, fills) are learned: for replaying history
   * over positions already read from the database (give e.ledger for counts and fills then).
   */
  apply (e: FeatureEvent, opts?: { effects?: boolean }): void {
    const seq = e.seq
    if (seq !== undefined && seq > this.highestSeq) this.highestSeq = seq
    if (e.sku === null) return
    const s = this.state(e.sku)
    let fact = e.ledger
    const mirrored = seq !== undefined && seq <= this.syncedSeq
    if (mirrored) {
      if (fact === undefined && this.pendingFacts !== null) {
        fact = factAt(this.pendingFacts.get(seq), e.location)
        if (seq >= this.syncedSeq) this.pendingFacts = null
      }
    } else if (opts?.effects !== false && MOVING_TYPES.has(e.type)) {
      const moved = moveStock(s, e, this.opts.kindOf)
      if (moved.newShelf) this.keyCache = null
      if (fact === undefined && (e.type === 'cycle_count' || e.type === 'putaway')) {
        // The journal's ledger row for this event: its on-hand change here and the balance after.
        const c = moved.changes.find((x) => x.location === e.location && x.bucket === 'on_hand')
        if (c !== undefined) fact = { delta: c.delta, balance: s.loc(c.location)!.onHand }
      }
    }
    learnSignals(this.learning, s, e, fact)
  }

  /** The SKU-locations scored: every item's home shelf, plus any shelf location holding a position for it; sorted by sku then location. Cached. */
  keys (): ReadonlyArray<FeatureKey> {
    this.refresh()
    return this.keyCache ??= this.buildKeys()
  }

  /**
   * Writes the FEATURE_COUNT features of (sku, location) at nowMs into out[offset...], then clamps
   * them into the spec's ranges; returns how many were not finite before clamping.
   */
  vector (sku: string, location: string, nowMs: number, out: Float32Array, offset = 0): number {
    const s = this.states.get(sku)
    return writeVector(this.shapes, s, s?.loc(location), this.opts.item(sku), nowMs, out, offset)
  }

  /**
   * A fresh signal the fast tier must rescore on at once (call after apply): a gap detection; a
   * count at a shelf or backroom; a fill (putaway at a shelf); a sale of a fast mover (rate_day
   * above FAST_MOVER_RATE_DAY) or one whose last hour of sales is a spike (over SPIKE_FACTOR x
   * rate_now, and at least SPIKE_MIN_UNITS units).
   */
  isFresh (e: FeatureEvent): boolean {
    if (e.sku === null || e.location === null) return false
    switch (e.type) {
      case 'gap_detected':
        return true
      case 'cycle_count': {
        const kind = this.opts.kindOf(e.location)
        return kind === 'shelf' || kind === 'backroom'
      }
      case 'putaway':
        return this.opts.kindOf(e.location) === 'shelf'
      case 'sale': {
        const s = this.states.get(e.sku)
        if (!s) return false
        const at = e.occurredAtMs
        const rd = rateDay(s, at)
        if (rd > FAST_MOVER_RATE_DAY) return true
        const lastHour = s.sales ? s.sales.lastHour(at) : 0
        if (lastHour < SPIKE_MIN_UNITS) return false
        const rn = rd * 7 * this.shapes.share(weekSlot(at), s, this.shapes.category(this.categoryOf(e.sku)))
        return lastHour > SPIKE_FACTOR * rn
      }
      default:
        return false
    }
  }

  record (sku: string, location: string): { onHand: number, inTransit: number } {
    const l = this.states.get(sku)?.loc(location)
    return l?.positioned ? { onHand: l.onHand, inTransit: l.inTransit } : { onHand: 0, inTransit: 0 }
  }

  /** The phantom-inventory evidence of a SKU-location at nowMs (see phantom.ts). */
  phantom (sku: string, location: string, nowMs: number): PhantomFacts {
    const s = this.states.get(sku)
    return phantomFacts(this.shapes, s, s?.loc(location), this.shapes.category(this.categoryOf(sku)), nowMs)
  }

  /** The mirrored positions of one SKU (every location kind), in the book's order. */
  positionsOf (sku: string): Array<{ location: string, onHand: number, inTransit: number }> {
    const s = this.states.get(sku)
    if (!s) return []
    const out: Array<{ location: string, onHand: number, inTransit: number }> = []
    for (const l of s.locs) if (l.positioned) out.push({ location: l.location, onHand: l.onHand, inTransit: l.inTransit })
    return out
  }

  /** Every mirrored position (a row of the positions table), sorted by sku then location. */
  positions (): Array<{ sku: string, location: string, onHand: number, inTransit: number }> {
    const out: Array<{ sku: string, location: string, onHand: number, inTransit: number }> = []
    for (const s of this.states.values()) {
      for (const l of s.locs) if (l.positioned) out.push({ sku: s.sku, location: l.location, onHand: l.onHand, inTransit: l.inTransit })
    }
    return out.sort(byKey)
  }

  /**
   * For a replay that left sale prices out (reading them for every sale is a third of its cost):
   * asks the price of each item's most recent sale by its journal seq.
   */
  fillLastPrices (priceAt: (seq: number) => number | null): void {
    for (const s of this.states.values()) {
      if (Number.isNaN(s.lastSaleSeq)) continue
      const price = priceAt(s.lastSaleSeq)
      s.lastPrice = price !== null && Number.isFinite(price) ? price : NaN
    }
  }

  /** The item's category (for per-category monitoring). */
  categoryOf (sku: string): string | null {
    return this.opts.item(sku)?.category ?? null
  }

  /** Open associate tasks on the item (the tasks issue sets it; 0 until then). */
  setOpenTasks (sku: string, n: number): void {
    this.state(sku).openTasks = n
  }

  private state (sku: string): SkuState {
    let s = this.states.get(sku)
    if (!s) this.states.set(sku, s = new SkuState(sku))
    return s
  }

  private buildKeys (): ReadonlyArray<FeatureKey> {
    const { item, kindOf, skus } = this.opts
    const all = new Set<string>(skus ? skus() : [])
    for (const sku of this.states.keys()) all.add(sku)
    const keys: FeatureKey[] = []
    for (const sku of all) {
      const home = item(sku)?.homeLocation ?? null
      if (home !== null && kindOf(home) === 'shelf') keys.push({ sku, location: home })
      const s = this.states.get(sku)
      if (!s) continue
      for (const l of s.locs) if (l.positioned && l.kind === 'shelf' && l.location !== home) keys.push({ sku, location: l.location })
    }
    return Object.freeze(keys.sort(byKey))
  }
}

function byKey (a: FeatureKey, b: FeatureKey): number {
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1
  return a.location < b.location ? -1 : a.location > b.location ? 1 : 0
}

function factAt (rows: readonly { location: string, delta: number, balance: number }[] | undefined, location: string | null): LedgerFact | undefined {
  if (rows === undefined) return undefined
  for (const r of rows) if (r.location === location) return { delta: r.delta, balance: r.balance }
  return undefined
}
