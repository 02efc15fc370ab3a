// What the store-edge policy reads from the store server: its perpetual inventory (paged, whole
// store) and the shelf-gap detections cameras reported since the last look. Only the server's
// beliefs come through here; the simulator's truth never does.

import type { SkuRecord, StoreApi } from '../drive/api.js'

export interface GapSeen { sku: string, location: string, seq: number }

/** What the store-edge side may know of the store: the server's record and its camera gaps. */
export interface StoreView {
  refresh (): Promise<void>
  record (sku: string): SkuRecord | undefined
  /** Gap detections accepted since the previous call, in journal order. */
  newGaps (): Promise<GapSeen[]>
}

export class ServerView implements StoreView {
  private records = new Map<string, SkuRecord>()
  private lastGapSeq = 0

  constructor (private readonly api: StoreApi, private readonly baseUrl: string) {}

  async refresh (): Promise<void> {
    this.records = await this.api.inventory()
  }

  record (sku: string): SkuRecord | undefined { return this.records.get(sku) }

  /** Gap detections accepted since the previous call, in journal order. */
  async newGaps (): Promise<GapSeen[]> {
    const out: GapSeen[] = []
    for (;;) {
      const url = `${this.baseUrl}/api/v1/events?type=gap_detected&afterSeq=${this.lastGapSeq}&limit=5000`
      const res = await fetch(url)
      if (!res.ok) throw new Error(`GET /api/v1/events: ${res.status} ${await res.text()}`)
      const body = await res.json() as { events: Array<{ seq: number, sku: string | null, location: string | null }>, nextAfterSeq: number | null }
      for (const e of body.events) {
        this.lastGapSeq = Math.max(this.lastGapSeq, e.seq)
        if (e.sku && e.location) out.push({ sku: e.sku, location: e.location, seq: e.seq })
      }
      if (body.nextAfterSeq === null) return out
    }
  }
}
