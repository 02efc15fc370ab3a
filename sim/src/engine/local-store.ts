// The store server's record and shelf-risk features kept in-process, fed the same canonical events
// the real server would commit, in the same order: the simulator's fast path for producing
// training data over many seeds without a server process. The features come from the server's own
// FeatureBook (edge/src/scoring/features), so what a model learns from here is what the server
// computes; a test compares the two on the same run. Devices behave as on a server: POS lanes and
// handhelds buffer while offline and deliver on reconnect, an offline camera sees nothing.

import { FeatureBook, type FeatureEvent, type ItemFacts } from '../../../edge/src/scoring/features/book.js'
import type { EventType } from '../../../edge/src/core/event.js'
import type { SkuRecord } from '../drive/api.js'
import { RECEIVING, type Layout } from '../layout.js'
import type { GapSeen, StoreView } from '../policy/server-view.js'
import { BACKOFFICE, cameraId, handheldId, POS_LANES, posId, type BasketLine, type StoreDevices } from './devices.js'

type Kind = 'shelf' | 'backroom' | 'receiving' | 'other'

export function featureBookFor (layout: Layout, initial: ReadonlyArray<{ shelf: number, backroom: number }>): FeatureBook {
  const facts = new Map<string, ItemFacts>()
  for (const s of layout.skus) {
    facts.set(s.sku, { sku: s.sku, category: s.category, shelfCapacity: s.shelfCapacity, casePack: s.casePack, leadTimeDays: s.leadTimeDays, unitPrice: s.unitPrice, homeLocation: s.shelfLocation })
  }
  const kinds = new Map<string, Kind>(layout.locations.map((l) => [l.id, l.kind]))
  const book = new FeatureBook({ item: (sku) => facts.get(sku), kindOf: (loc) => kinds.get(loc) })
  for (const s of layout.skus) {
    book.setPosition(s.sku, s.shelfLocation, initial[s.index].shelf, 0)
    book.setPosition(s.sku, s.backroomLocation, initial[s.index].backroom, 0)
  }
  return book
}

/** A canonical event as handhelds post it, to the fields the features read. */
export function featureEventOf (e: { type: string, sku?: string, location?: string, qty?: number, occurredAt: string, data?: { from?: string, price?: number } }): FeatureEvent {
  return {
    type: e.type as EventType,
    sku: e.sku ?? null,
    location: e.location ?? null,
    qty: e.qty ?? null,
    occurredAtMs: Date.parse(e.occurredAt),
    from: e.data?.from ?? null,
    price: e.data?.price ?? null
  }
}

export class LocalStore implements StoreDevices, StoreView {
  private readonly offline = new Set<string>()
  /** What offline POS lanes and handhelds hold until they reconnect, in order. */
  private readonly held = new Map<string, FeatureEvent[]>()
  private gaps: GapSeen[] = []
  private seq = 0
  private readonly sent: Record<string, number> = { baskets: 0, gaps: 0, handheldEvents: 0 }
  private readonly homeOf = new Map<string, string>()
  private readonly bySku = new Map<string, Layout['skus'][number]>()

  constructor (readonly book: FeatureBook, private readonly layout: Layout, private readonly associates: readonly string[]) {
    for (const s of layout.skus) {
      this.homeOf.set(s.sku, s.shelfLocation)
      this.bySku.set(s.sku, s)
    }
  }

  async clock (): Promise<void> {}

  basket (t: number, lane: string, _txnId: string, lines: BasketLine[]): void {
    this.sent.baskets++
    const events = lines.map((l): FeatureEvent => ({ type: 'sale', sku: l.sku, location: this.homeOf.get(l.sku) ?? null, qty: l.qty, occurredAtMs: t, from: null, price: l.price }))
    this.deliver(posId(lane), events)
  }

  gap (t: number, zone: string, _detId: string, bay: string, sku: string): void {
    if (this.offline.has(cameraId(zone))) return
    this.sent.gaps++
    this.commit({ type: 'gap_detected', sku, location: bay, qty: null, occurredAtMs: t, from: null, price: null })
    this.gaps.push({ sku, location: bay, seq: this.seq })
  }

  /** The record keeps no paperwork: receipts are what was scanned. */
  asn (): void {}

  /** No server to act on tasks: what the work did applies to the record directly. */
  act (associate: string, _actions: object[], equivalent: object[]): void {
    this.post(associate, equivalent)
  }

  post (associate: string, events: object[]): void {
    this.sent.handheldEvents += events.length
    const id = associate === 'receiving' ? BACKOFFICE : handheldId(associate)
    this.deliver(id, events.map((e) => featureEventOf(e as Parameters<typeof featureEventOf>[0])))
  }

  ids (): string[] {
    return [...POS_LANES.map(posId), ...this.layout.zones.map(cameraId), ...this.associates.map(handheldId)]
  }

  async setOnline (id: string, online: boolean): Promise<void> {
    if (!online) { this.offline.add(id); return }
    this.offline.delete(id)
    const queued = this.held.get(id) ?? []
    this.held.delete(id)
    for (const e of queued) this.commit(e)
  }

  isOnline (id: string): boolean { return !this.offline.has(id) }
  async settle (): Promise<void> {}
  async close (): Promise<void> {}
  counts (): Record<string, number> { return { ...this.sent } }

  // StoreView: the record as the server would hold it.
  async refresh (): Promise<void> {}

  record (sku: string): SkuRecord | undefined {
    const s = this.bySku.get(sku)
    if (!s) return undefined
    const shelf = this.book.record(sku, s.shelfLocation)
    const backroom = this.book.record(sku, s.backroomLocation)
    const receiving = this.book.record(sku, RECEIVING)
    return {
      shelf: shelf.onHand,
      backroom: backroom.onHand,
      receiving: receiving.onHand,
      inTransit: shelf.inTransit + backroom.inTransit + receiving.inTransit,
      byLocation: new Map([[s.shelfLocation, shelf.onHand], [s.backroomLocation, backroom.onHand], [RECEIVING, receiving.onHand]])
    }
  }

  async newGaps (): Promise<GapSeen[]> {
    const out = this.gaps
    this.gaps = []
    return out
  }

  private deliver (device: string, events: FeatureEvent[]): void {
    if (this.offline.has(device)) {
      const q = this.held.get(device)
      if (q) q.push(...events)
      else this.held.set(device, [...events])
      return
    }
    for (const e of events) this.commit(e)
  }

  private commit (e: FeatureEvent): void {
    e.seq = ++this.seq
    this.book.apply(e)
  }
}
