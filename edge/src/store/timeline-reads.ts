// The reads of an item's timeline (GET /api/v1/items/{sku}/timeline): its ledger rows since a time
// with the event that caused each (lineage), and its shelf-risk score history (migration 014).

import type { Database } from 'better-sqlite3'

export interface TimelineMovement {
  id: number
  /** Event time of the movement (the device's clock; snapshot imports: the import's time). */
  at: string
  location: string
  bucket: 'on_hand' | 'in_transit' | 'reserved'
  delta: number
  /** The bucket's balance after this row. */
  balance: number
  /** What moved it: sale, cycle_count, pick, fill, receipt, snapshot, ... */
  reason: string
  /** The event that caused it (null for an on-hand snapshot import). */
  source: { seq: number, deviceId: string, eventId: string, type: string } | null
}

export interface HistoryPoint { location: string, at: string, score: number, scorer: 'model' | 'rules' }

export class TimelineReads {
  private readonly ledgerRows
  private readonly historyRows

  constructor (db: Database) {
    // Commit order (id), which is the order the balances were computed in.
    this.ledgerRows = db.prepare(`SELECT l.id, l.occurred_at, l.location, l.bucket, l.delta, l.balance, l.reason, l.event_seq,
        e.device_id, e.event_id, e.type
      FROM ledger l LEFT JOIN events e ON e.seq = l.event_seq
      WHERE l.sku = ? AND l.occurred_at >= ? ORDER BY l.id LIMIT ?`)
    this.historyRows = db.prepare('SELECT location, scored_at, score, scorer FROM risk_history WHERE sku = ? AND scored_at >= ? ORDER BY location, scored_at')
  }

  movements (sku: string, fromIso: string, limit: number): TimelineMovement[] {
    return (this.ledgerRows.all(sku, fromIso, limit) as Array<Record<string, never>>).map((r) => ({
      id: r.id,
      at: r.occurred_at,
      location: r.location,
      bucket: r.bucket,
      delta: r.delta,
      balance: r.balance,
      reason: r.reason,
      source: r.event_seq === null ? null : { seq: r.event_seq, deviceId: r.device_id, eventId: r.event_id, type: r.type }
    }))
  }

  scoreHistory (sku: string, fromIso: string): HistoryPoint[] {
    return (this.historyRows.all(sku, fromIso) as Array<Record<string, never>>).map((r) => ({ location: r.location, at: r.scored_at, score: r.score, scorer: r.scorer }))
  }
}
