// Rows of the ERP-bound outbox (migration 006), written by whoever makes the change the ERP must
// hear about, inside that change's own transaction: the journal for counted corrections,
// adjustments and receipts; the decision core for discrepancies and approved orders. The sender
// (outbox/, issue 7) only reads and deletes them.

import type { Database } from 'better-sqlite3'
import { addDigest, EMPTY_DIGEST, idTerm } from '../core/digest.js'

/** What the ERP is told. Stable names: the relay and the ERP mapping key on them. */
export const OUTBOX_TYPES = ['inventory_adjustment', 'receipt', 'receiving_discrepancy', 'order'] as const
export type OutboxType = typeof OUTBOX_TYPES[number]

/** Lanes in the order they are sent: urgent before normal before telemetry. */
export const OUTBOX_LANES = ['urgent', 'normal', 'telemetry'] as const
export type OutboxLane = typeof OUTBOX_LANES[number]

/** Which lane each type travels in: what moves money or stock the ERP books goes first. */
export const LANE_OF: Readonly<Record<OutboxType, OutboxLane>> = {
  inventory_adjustment: 'urgent',
  order: 'urgent',
  receipt: 'normal',
  receiving_discrepancy: 'normal'
}

export interface OutboxEntry {
  /** Idempotency key: derived from the cause, so writing the same cause twice adds one row. */
  eventId: string
  type: OutboxType
  sku: string | null
  payload: Record<string, unknown>
  /** Event time of the cause, ISO 8601. */
  occurredAt: string
  /** When the store wrote it (the server clock); defaults to the clock given to the constructor. */
  createdAt?: string
}

export interface OutboxRow {
  seq: number
  eventId: string
  type: OutboxType
  lane: OutboxLane
  sku: string | null
  payload: Record<string, unknown>
  occurredAt: string
  createdAt: string
}

/** Bytes a row costs beyond its payload and id: the other columns, the row header and two indexes. */
const ROW_OVERHEAD_BYTES = 160

interface RawRow { seq: number, event_id: string, type: OutboxType, lane: OutboxLane, sku: string | null, payload: string, occurred_at: string, created_at: string }

function fromRaw (r: RawRow): OutboxRow {
  return { seq: r.seq, eventId: r.event_id, type: r.type, lane: r.lane, sku: r.sku, payload: JSON.parse(r.payload) as Record<string, unknown>, occurredAt: r.occurred_at, createdAt: r.created_at }
}

export class OutboxRows {
  private readonly insert
  private readonly list
  private readonly byLane
  private readonly laneHead
  private readonly laneAfter
  private readonly removeOne
  private readonly ackedOf
  private readonly putAcked
  private readonly ackedSince
  private readonly sizeOf
  private readonly oldestSizes
  private readonly byType

  constructor (private readonly db: Database, private readonly now: () => string = () => new Date().toISOString()) {
    this.insert = db.prepare(`INSERT INTO outbox (event_id, type, lane, sku, payload, occurred_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`)
    this.list = db.prepare(`SELECT seq, event_id, type, lane, sku, payload, occurred_at, created_at FROM outbox
      WHERE seq > ? AND (? IS NULL OR type = ?) ORDER BY seq LIMIT ?`)
    this.laneHead = db.prepare('SELECT seq, event_id, type, lane, sku, payload, occurred_at, created_at FROM outbox WHERE lane = ? ORDER BY seq LIMIT ?')
    this.laneAfter = db.prepare('SELECT seq, event_id, type, lane, sku, payload, occurred_at, created_at FROM outbox WHERE lane = ? AND seq > ? ORDER BY seq LIMIT ?')
    this.removeOne = db.prepare('DELETE FROM outbox WHERE seq = ?')
    this.ackedOf = db.prepare('SELECT rows, digest FROM outbox_acked WHERE day = ?')
    this.putAcked = db.prepare('INSERT INTO outbox_acked (day, rows, digest) VALUES (?, ?, ?) ON CONFLICT (day) DO UPDATE SET rows = excluded.rows, digest = excluded.digest')
    this.ackedSince = db.prepare('SELECT day, rows, digest FROM outbox_acked WHERE day >= ? ORDER BY day')
    this.sizeOf = db.prepare(`SELECT COALESCE(SUM(length(payload) + length(event_id) + ${ROW_OVERHEAD_BYTES}), 0) FROM outbox`).pluck()
    this.oldestSizes = db.prepare(`SELECT seq, length(payload) + length(event_id) + ${ROW_OVERHEAD_BYTES} AS size FROM outbox WHERE lane = ? ORDER BY seq LIMIT 10000`)
    this.byLane = db.prepare('SELECT lane, COUNT(*) AS n, MIN(created_at) AS oldest, MAX(seq) AS top FROM outbox GROUP BY lane')
    this.byType = db.prepare('SELECT type, COUNT(*) FROM outbox GROUP BY type').raw()
  }

  /**
   * Adds one row. Call inside the cause's transaction, once per event: the outbox does not look
   * for the id again (migration 015 says why); the relay applies each event id once.
   */
  add (e: OutboxEntry): void {
    this.insert.run(e.eventId, e.type, LANE_OF[e.type], e.sku, JSON.stringify(e.payload), e.occurredAt, e.createdAt ?? this.now())
  }

  /** What waits to be sent, per lane (every lane listed, empty ones with 0 rows): rows, the oldest's creation time, the highest seq. */
  depth (): Array<{ lane: OutboxLane, rows: number, oldestCreatedAt: string | null, highestSeq: number | null }> {
    const rows = this.byLane.all() as Array<{ lane: OutboxLane, n: number, oldest: string | null, top: number | null }>
    return OUTBOX_LANES.map((lane) => {
      const r = rows.find((x) => x.lane === lane)
      return { lane, rows: r?.n ?? 0, oldestCreatedAt: r?.oldest ?? null, highestSeq: r?.top ?? null }
    })
  }

  /** Estimated bytes the outbox holds: payloads and ids, plus a per-row overhead for the row and its indexes. */
  bytes (): number {
    return this.sizeOf.get() as number
  }

  /** Drops the oldest rows of a lane until about `bytes` are freed (telemetry only: see outbox/budget.ts). */
  dropOldestOfLane (lane: OutboxLane, bytes: number): { rows: number, bytes: number } {
    let rows = 0
    let freed = 0
    this.db.transaction(() => {
      // Read before deleting (a statement cannot delete while another iterates); 10,000 rows a check at most.
      for (const r of this.oldestSizes.all(lane) as Array<{ seq: number, size: number }>) {
        if (freed >= bytes) break
        this.removeOne.run(r.seq)
        rows++
        freed += r.size
      }
    }).immediate()
    return { rows, bytes: freed }
  }

  /** Rows per type waiting. */
  byTypeCounts (): Record<string, number> {
    return Object.fromEntries(this.byType.all() as Array<[string, number]>)
  }

  /** The oldest rows of one lane, seq order: the next batch of that lane. */
  nextOfLane (lane: OutboxLane, limit: number): OutboxRow[] {
    return (this.laneHead.all(lane, limit) as RawRow[]).map(fromRaw)
  }

  /** The rows of one lane after `afterSeq`, seq order: the batch after one in flight. */
  nextOfLaneAfter (lane: OutboxLane, afterSeq: number, limit: number): OutboxRow[] {
    return (this.laneAfter.all(lane, afterSeq, limit) as RawRow[]).map(fromRaw)
  }

  /**
   * Deletes an acknowledged batch and adds it to the per-day tally of what the relay has (count and
   * digest of the event ids, by the day each row was written), in one transaction.
   */
  acknowledge (rows: readonly OutboxRow[]): number {
    let n = 0
    this.db.transaction(() => {
      const byDay = new Map<string, bigint[]>()
      for (const r of rows) {
        if (this.removeOne.run(r.seq).changes === 0) continue
        n++
        const day = r.createdAt.slice(0, 10)
        const list = byDay.get(day) ?? []
        list.push(idTerm(r.eventId))
        byDay.set(day, list)
      }
      for (const [day, terms] of byDay) {
        const cur = this.ackedOf.get(day) as { rows: number, digest: string } | undefined
        this.putAcked.run(day, (cur?.rows ?? 0) + terms.length, addDigest(cur?.digest ?? EMPTY_DIGEST, terms))
      }
    }).immediate()
    return n
  }

  /** The relay-acknowledged tally of the last `days` UTC days up to `today`, oldest first. */
  acked (fromDay: string): Array<{ day: string, rows: number, digest: string }> {
    return this.ackedSince.all(fromDay) as Array<{ day: string, rows: number, digest: string }>
  }

  /** Rows after `afterSeq`, oldest first, optionally of one type. */
  after (afterSeq: number, limit: number, type: OutboxType | null = null): OutboxRow[] {
    return (this.list.all(afterSeq, type, type, limit) as RawRow[]).map(fromRaw)
  }
}
