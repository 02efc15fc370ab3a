// Writes a batch of accepted events and dead letters in ONE transaction: the journal row, the ledger
// rows and the updated positions of every event commit together or not at all. Idempotent by
// (device_id, event_id): a redelivered event is recognised by the unique key and changes nothing.

import type { Database } from 'better-sqlite3'
import type { CanonicalEvent, EventType } from '../core/event.js'
import { MOVING_TYPES, effectsOf, movementOf, type Bucket, type Change } from './effects.js'
import { OutboxRows } from './outbox-rows.js'
import { RiskRows, type RiskEntry } from './risk-rows.js'

export interface DeadLetter {
  receivedAt: string
  deviceId: string | null
  transport: string
  channel: string | null
  reason: string
  detail: string
  gtin?: string | null
  raw: Buffer | string | null
}

/**
 * Device presence since the last flush: id, last-seen time (ISO), online, and the battery percent
 * and its report time (ISO) when the device reported one since the last flush, else nulls (the
 * stored level stays).
 */
export type PresenceChange = readonly [id: string, lastSeenAt: string, online: boolean, batteryPct: number | null, batteryAt: string | null]

/**
 * An event as the journal stores it: a flat tuple of primitives with data and source already JSON.
 * Batches cross to the writer thread in this form: cloning a tuple costs ~3 microseconds, the
 * event object ~10.
 */
export type EventRow = [
  deviceId: string, eventId: string, type: EventType, storeId: string, occurredAt: string, receivedAt: string,
  sku: string | null, gtin: string | null, location: string | null, qty: number | null,
  data: string, source: string, from: string | null, reason: string | null
]

export function eventRow (e: CanonicalEvent): EventRow {
  const m = movementOf(e)
  return [e.deviceId, e.id, e.type, e.storeId, e.occurredAt, e.receivedAt, e.sku ?? null, e.gtin ?? null,
    e.location ?? null, e.qty ?? null, JSON.stringify(e.data), JSON.stringify(e.source), m.from ?? null, m.reason ?? null]
}

export type BatchEntry =
  | { kind: 'event', event: CanonicalEvent }
  | { kind: 'row', row: EventRow }
  | { kind: 'dead', dead: DeadLetter }
  | { kind: 'presence', changes: readonly PresenceChange[] }
  | RiskEntry

export type EntryOutcome =
  | { kind: 'accepted', seq: number }
  | { kind: 'duplicate' }
  | { kind: 'dead', reason: string }
  | { kind: 'presence' }

interface PositionRow { on_hand: number, in_transit: number, reserved: number }

export class Journal {
  private readonly insertEvent
  private readonly insertLedger
  private readonly readPosition
  private readonly upsertPosition
  private readonly insertDead
  private readonly updatePresence
  private readonly risk
  private readonly outbox
  private readonly tx

  constructor (db: Database) {
    this.insertEvent = db.prepare(`INSERT OR IGNORE INTO events
      (device_id, event_id, type, store_id, occurred_at, received_at, sku, gtin, location, qty, data, source)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.insertLedger = db.prepare(`INSERT INTO ledger
      (event_seq, sku, location, bucket, delta, balance, reason, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    this.readPosition = db.prepare('SELECT on_hand, in_transit, reserved FROM positions WHERE sku = ? AND location = ?')
    this.upsertPosition = db.prepare(`INSERT INTO positions (sku, location, on_hand, in_transit, reserved, updated_seq, updated_at)
      VALUES (@sku, @location, @on_hand, @in_transit, @reserved, @seq, @at)
      ON CONFLICT (sku, location) DO UPDATE SET on_hand = excluded.on_hand, in_transit = excluded.in_transit,
        reserved = excluded.reserved, updated_seq = excluded.updated_seq, updated_at = excluded.updated_at`)
    this.insertDead = db.prepare(`INSERT INTO dead_letters
      (received_at, device_id, transport, channel, reason, detail, gtin, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    // The battery rides on the row last-seen already writes: a heartbeat's level costs no write of its own.
    this.updatePresence = db.prepare(`UPDATE devices SET last_seen_at = ?, status = ?,
      battery_pct = coalesce(?, battery_pct), battery_at = coalesce(?, battery_at) WHERE id = ?`)
    this.risk = new RiskRows(db)
    this.outbox = new OutboxRows(db)
    this.tx = db.transaction((entries: readonly BatchEntry[]) => entries.map((e) => this.writeOne(e)))
  }

  /** Commits the whole batch; throws (and commits nothing) if the database fails. */
  write (entries: readonly BatchEntry[]): EntryOutcome[] {
    return this.tx.immediate(entries)
  }

  private writeOne (entry: BatchEntry): EntryOutcome {
    if (entry.kind === 'presence') {
      for (const [id, at, online, pct, pctAt] of entry.changes) this.updatePresence.run(at, online ? 'online' : 'offline', pct, pctAt, id)
      return { kind: 'presence' }
    }
    if (entry.kind === 'risk') {
      this.risk.write(entry)
      // Internal entries answer no device: risk rows share presence's outcome, which nothing counts.
      return { kind: 'presence' }
    }
    if (entry.kind === 'dead') {
      const d = entry.dead
      this.insertDead.run(d.receivedAt, d.deviceId, d.transport, d.channel, d.reason, d.detail, d.gtin ?? null, d.raw)
      return { kind: 'dead', reason: d.reason }
    }
    const row = entry.kind === 'row' ? entry.row : eventRow(entry.event)
    const res = this.insertEvent.run(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11])
    if (res.changes === 0) return { kind: 'duplicate' }
    const seq = Number(res.lastInsertRowid)
    // Observations (scans, gaps, weights) move no stock: no position is read for them.
    if (row[6] !== null && MOVING_TYPES.has(row[2])) this.applyEffects(row, seq)
    return { kind: 'accepted', seq }
  }

  private applyEffects (row: EventRow, seq: number): void {
    const sku = row[6]!
    const occurredAt = row[4]
    // Positions touched by this event, read once and written once each.
    const cache = new Map<string, PositionRow>()
    const position = (location: string): PositionRow => {
      let p = cache.get(location)
      if (!p) {
        const found = this.readPosition.get(sku, location) as PositionRow | undefined
        p = found ? { ...found } : { on_hand: 0, in_transit: 0, reserved: 0 }
        cache.set(location, p)
      }
      return p
    }
    const movement = { type: row[2], location: row[8] ?? undefined, qty: row[9] ?? undefined, from: row[12] ?? undefined, reason: row[13] ?? undefined }
    const changes = effectsOf(movement, (location: string, bucket: Bucket) => position(location)[bucket])
    if (changes.length === 0) return
    for (const c of changes) {
      const p = position(c.location)
      p[c.bucket] += c.delta
      this.insertLedger.run(seq, sku, c.location, c.bucket, c.delta, p[c.bucket], c.reason, occurredAt)
    }
    for (const [location, p] of cache) {
      this.upsertPosition.run({ sku, location, ...p, seq, at: occurredAt })
    }
    this.toErp(row, seq, changes, cache)
  }

  /**
   * What the ERP books, in this same transaction: a count that changed the record or an adjustment
   * (inventory_adjustment), and a receipt. Sales and shelf moves stay in the store: the ERP gets
   * sales from the POS, and backroom-to-shelf moves do not change what the store holds.
   */
  private toErp (row: EventRow, seq: number, changes: readonly Change[], after: ReadonlyMap<string, PositionRow>): void {
    const [deviceId, eventId, type, storeId, occurredAt, receivedAt, sku] = row
    const c = changes[0]
    if (sku === null || c === undefined || c.bucket !== 'on_hand') return
    const lineage = { storeId, deviceId, eventId, eventSeq: seq }
    if ((type === 'cycle_count' || type === 'adjust') && c.delta !== 0) {
      this.outbox.add({
        eventId: `adj:${deviceId}:${eventId}`,
        type: 'inventory_adjustment',
        sku,
        payload: { sku, location: c.location, delta: c.delta, balance: after.get(c.location)?.on_hand ?? null, reason: c.reason, ...lineage },
        occurredAt,
        createdAt: receivedAt
      })
    } else if (type === 'receipt' && c.delta !== 0) {
      this.outbox.add({
        eventId: `rcpt:${deviceId}:${eventId}`,
        type: 'receipt',
        sku,
        payload: { sku, location: c.location, qty: c.delta, asn: row[10] === '{}' ? null : (JSON.parse(row[10]) as { asn?: unknown }).asn ?? null, ...lineage },
        occurredAt,
        createdAt: receivedAt
      })
    }
  }
}
