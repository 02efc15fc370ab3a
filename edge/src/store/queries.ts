// Read side for the API: events with filters, an item's positions and recent ledger, dead letters.
// Reads run on the same connection as ingest; WAL keeps them from blocking each other's files.

import type { Database } from 'better-sqlite3'
import type { CanonicalEvent } from '../core/event.js'
import { itemFromRow, type Item } from './catalog.js'

export interface EventFilter {
  type?: string
  sku?: string
  deviceId?: string
  location?: string
  /** ISO times on occurredAt, inclusive from, exclusive to. */
  from?: string
  to?: string
  /** Return events with seq greater than this (paging). */
  afterSeq?: number
  limit: number
}

interface EventRow {
  seq: number
  device_id: string
  event_id: string
  type: string
  store_id: string
  occurred_at: string
  received_at: string
  sku: string | null
  gtin: string | null
  location: string | null
  qty: number | null
  data: string
  source: string
}

export type StoredEvent = CanonicalEvent & { seq: number }

function toEvent (r: EventRow): StoredEvent {
  const e: StoredEvent = {
    seq: r.seq,
    id: r.event_id,
    type: r.type as CanonicalEvent['type'],
    storeId: r.store_id,
    deviceId: r.device_id,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    data: JSON.parse(r.data),
    source: JSON.parse(r.source)
  }
  if (r.sku !== null) e.sku = r.sku
  if (r.gtin !== null) e.gtin = r.gtin
  if (r.location !== null) e.location = r.location
  if (r.qty !== null) e.qty = r.qty
  return e
}

export interface Position { location: string, kind: string | null, onHand: number, inTransit: number, reserved: number, updatedAt: string | null }
export interface LedgerEntry { id: number, eventSeq: number | null, location: string, bucket: string, delta: number, balance: number, reason: string, occurredAt: string }
export interface DeadLetterRow { id: number, receivedAt: string, deviceId: string | null, transport: string, channel: string | null, reason: string, detail: string, gtin: string | null, raw: string | null, rawEncoding: 'utf8' | 'base64' | null }

function rawToText (raw: Buffer | string | null): { raw: string | null, rawEncoding: 'utf8' | 'base64' | null } {
  if (raw === null) return { raw: null, rawEncoding: null }
  if (typeof raw === 'string') return { raw, rawEncoding: 'utf8' }
  const s = raw.toString('utf8')
  // Binary garbage is shown as base64 so the API never returns broken text.
  return Buffer.from(s, 'utf8').equals(raw) && !/[\u0000-\u0008\u000e-\u001f]/.test(s)
    ? { raw: s, rawEncoding: 'utf8' }
    : { raw: raw.toString('base64'), rawEncoding: 'base64' }
}

export class Queries {
  constructor (private readonly db: Database) {}

  events (f: EventFilter): StoredEvent[] {
    const where: string[] = []
    const args: unknown[] = []
    const eq = (col: string, v: unknown): void => { if (v !== undefined) { where.push(`${col} = ?`); args.push(v) } }
    eq('type', f.type)
    eq('sku', f.sku)
    eq('device_id', f.deviceId)
    eq('location', f.location)
    if (f.from !== undefined) { where.push('occurred_at >= ?'); args.push(f.from) }
    if (f.to !== undefined) { where.push('occurred_at < ?'); args.push(f.to) }
    if (f.afterSeq !== undefined) { where.push('seq > ?'); args.push(f.afterSeq) }
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq LIMIT ?`
    return (this.db.prepare(sql).all(...args, f.limit) as EventRow[]).map(toEvent)
  }

  eventByKey (deviceId: string, id: string): StoredEvent | undefined {
    const r = this.db.prepare('SELECT * FROM events WHERE device_id = ? AND event_id = ?').get(deviceId, id) as EventRow | undefined
    return r ? toEvent(r) : undefined
  }

  countEvents (): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n
  }

  items (opts: { limit: number, offset: number, category?: string, q?: string }): { items: Item[], total: number } {
    const where: string[] = []
    const args: unknown[] = []
    if (opts.category !== undefined) { where.push('category = ?'); args.push(opts.category) }
    if (opts.q !== undefined) {
      // Search text is literal: SKUs like FOODS_1_001 contain LIKE's own wildcard characters.
      const q = `%${opts.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
      where.push("(sku LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')")
      args.push(q, q)
    }
    const w = where.length ? 'WHERE ' + where.join(' AND ') : ''
    const rows = this.db.prepare(`SELECT * FROM items ${w} ORDER BY sku LIMIT ? OFFSET ?`).all(...args, opts.limit, opts.offset) as Parameters<typeof itemFromRow>[0][]
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM items ${w}`).get(...args) as { n: number }).n
    const gtins = this.db.prepare('SELECT gtin FROM item_gtins WHERE sku = ? ORDER BY gtin')
    return { items: rows.map((r) => itemFromRow(r, (gtins.all(r.sku) as Array<{ gtin: string }>).map((g) => g.gtin))), total }
  }

  positions (sku: string): Position[] {
    return (this.db.prepare(`SELECT p.location, l.kind, p.on_hand, p.in_transit, p.reserved, p.updated_at
      FROM positions p LEFT JOIN locations l ON l.id = p.location WHERE p.sku = ? ORDER BY p.location`).all(sku) as Array<Record<string, never>>)
      .map((r) => ({ location: r.location, kind: r.kind, onHand: r.on_hand, inTransit: r.in_transit, reserved: r.reserved, updatedAt: r.updated_at }))
  }

  /** What one event did to on-hand at a location (its ledger rows), 0 if nothing or not journalled. */
  onHandDelta (deviceId: string, eventId: string, location: string): number {
    const r = this.db.prepare(`SELECT SUM(l.delta) AS delta FROM events e JOIN ledger l ON l.event_seq = e.seq
      WHERE e.device_id = ? AND e.event_id = ? AND l.bucket = 'on_hand' AND l.location = ?`).get(deviceId, eventId, location) as { delta: number | null } | undefined
    return r?.delta ?? 0
  }

  ledger (sku: string, limit: number): LedgerEntry[] {
    return (this.db.prepare(`SELECT id, event_seq, location, bucket, delta, balance, reason, occurred_at
      FROM ledger WHERE sku = ? ORDER BY id DESC LIMIT ?`).all(sku, limit) as Array<Record<string, never>>)
      .map((r) => ({ id: r.id, eventSeq: r.event_seq, location: r.location, bucket: r.bucket, delta: r.delta, balance: r.balance, reason: r.reason, occurredAt: r.occurred_at }))
  }

  deadLetters (f: { reason?: string, deviceId?: string, afterId?: number, limit: number, newestFirst?: boolean }): DeadLetterRow[] {
    const where: string[] = []
    const args: unknown[] = []
    if (f.reason !== undefined) { where.push('reason = ?'); args.push(f.reason) }
    if (f.deviceId !== undefined) { where.push('device_id = ?'); args.push(f.deviceId) }
    if (f.afterId !== undefined) { where.push('id > ?'); args.push(f.afterId) }
    const sql = `SELECT * FROM dead_letters ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${f.newestFirst === true ? 'DESC' : ''} LIMIT ?`
    return (this.db.prepare(sql).all(...args, f.limit) as Array<Record<string, never>>).map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      deviceId: r.device_id,
      transport: r.transport,
      channel: r.channel,
      reason: r.reason,
      detail: r.detail,
      gtin: r.gtin,
      ...rawToText(r.raw)
    }))
  }

  /** Unknown GTINs waiting for review: how often and when each was seen, and by which devices. */
  unknownGtins (reason: string): Array<{ gtin: string, count: number, firstSeenAt: string, lastSeenAt: string, devices: string[] }> {
    return (this.db.prepare(`SELECT gtin, COUNT(*) AS count, MIN(received_at) AS first, MAX(received_at) AS last,
        GROUP_CONCAT(DISTINCT device_id) AS devices
      FROM dead_letters WHERE reason = ? AND gtin IS NOT NULL
        AND gtin NOT IN (SELECT gtin FROM item_gtins)
      GROUP BY gtin ORDER BY count DESC, gtin`).all(reason) as Array<Record<string, never>>)
      .map((r) => ({ gtin: r.gtin, count: r.count, firstSeenAt: r.first, lastSeenAt: r.last, devices: r.devices ? String(r.devices).split(',') : [] }))
  }
}
