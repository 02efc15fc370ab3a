// The receiving tables (migration 008): advance shipping notices and their lines, the receipts that
// named one (a projection of the journal keyed by its seq), and the discrepancies found on close.
// Plain SQL on the main connection; what a discrepancy is and what it raises is decided elsewhere
// (decisions/receiving/).

import type { Database } from 'better-sqlite3'

export interface AsnLine { sku: string, qty: number, cases: number | null }

export interface Asn {
  id: string
  supplier: string | null
  expectedAt: string | null
  state: 'open' | 'closed'
  createdAt: string
  closedAt: string | null
  closedBy: string | null
  /** Server time of the last receipt that named it, or null. */
  lastReceiptAt: string | null
}

export interface AsnReceipt {
  seq: number
  asnId: string
  deviceId: string
  eventId: string
  sku: string
  location: string | null
  qty: number
  /** Server clock at ingest, ISO 8601. */
  receivedAt: string
}

export type DiscrepancyKind = 'short' | 'over' | 'wrong_item'

export interface Discrepancy {
  id: number
  asnId: string
  sku: string
  kind: DiscrepancyKind
  expected: number
  received: number
  taskId: number | null
  createdAt: string
  resolvedAt: string | null
  decision: string | null
}

/** Units received of one SKU on an ASN, with the receipts' event ids (device/id) and where they went. */
export interface Received { sku: string, qty: number, events: string[], locations: string[] }

interface AsnRow { id: string, supplier: string | null, expected_at: string | null, state: 'open' | 'closed', created_at: string, closed_at: string | null, closed_by: string | null, last_receipt_at: string | null }
interface DiscrepancyRow { id: number, asn_id: string, sku: string, kind: DiscrepancyKind, expected: number, received: number, task_id: number | null, created_at: string, resolved_at: string | null, decision: string | null }

const ASN_SELECT = `SELECT a.*, (SELECT MAX(received_at) FROM asn_receipts r WHERE r.asn_id = a.id) AS last_receipt_at FROM asns a`

const toAsn = (r: AsnRow): Asn => ({ id: r.id, supplier: r.supplier, expectedAt: r.expected_at, state: r.state, createdAt: r.created_at, closedAt: r.closed_at, closedBy: r.closed_by, lastReceiptAt: r.last_receipt_at })
const toDiscrepancy = (r: DiscrepancyRow): Discrepancy => ({ id: r.id, asnId: r.asn_id, sku: r.sku, kind: r.kind, expected: r.expected, received: r.received, taskId: r.task_id, createdAt: r.created_at, resolvedAt: r.resolved_at, decision: r.decision })

export class AsnStore {
  private readonly insertReceipt

  constructor (private readonly db: Database) {
    this.insertReceipt = db.prepare(`INSERT OR IGNORE INTO asn_receipts (seq, asn_id, device_id, event_id, sku, location, qty, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
  }

  get (id: string): Asn | undefined {
    const r = this.db.prepare(`${ASN_SELECT} WHERE a.id = ?`).get(id) as AsnRow | undefined
    return r ? toAsn(r) : undefined
  }

  list (state: 'open' | 'closed' | undefined, limit: number): Asn[] {
    const rows = state === undefined
      ? this.db.prepare(`${ASN_SELECT} ORDER BY a.created_at DESC, a.id LIMIT ?`).all(limit)
      : this.db.prepare(`${ASN_SELECT} WHERE a.state = ? ORDER BY a.created_at DESC, a.id LIMIT ?`).all(state, limit)
    return (rows as AsnRow[]).map(toAsn)
  }

  lines (id: string): AsnLine[] {
    return this.db.prepare('SELECT sku, qty, cases FROM asn_lines WHERE asn_id = ? ORDER BY sku').all(id) as AsnLine[]
  }

  insert (a: { id: string, supplier: string | null, expectedAt: string | null, lines: AsnLine[] }, now: string): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO asns (id, supplier, expected_at, created_at) VALUES (?, ?, ?, ?)').run(a.id, a.supplier, a.expectedAt, now)
      const line = this.db.prepare('INSERT INTO asn_lines (asn_id, sku, qty, cases) VALUES (?, ?, ?, ?)')
      for (const l of a.lines) line.run(a.id, l.sku, l.qty, l.cases)
    }).immediate()
  }

  /** Records a journalled receipt that named an ASN; false when its seq or (device, event id) is already there. */
  addReceipt (r: AsnReceipt): boolean {
    return this.insertReceipt.run(r.seq, r.asnId, r.deviceId, r.eventId, r.sku, r.location, r.qty, r.receivedAt).changes > 0
  }

  /**
   * Journalled receipts that name an ASN (data.asn) after `afterSeq`, oldest first: the catch-up
   * for receipts committed while the process stopped before recording them.
   */
  journalReceiptsAfter (afterSeq: number): AsnReceipt[] {
    const rows = this.db.prepare(`SELECT seq, device_id, event_id, sku, location, qty, received_at, json_extract(data, '$.asn') AS asn
      FROM events WHERE type = 'receipt' AND seq > ? AND json_extract(data, '$.asn') IS NOT NULL ORDER BY seq`).all(afterSeq) as Array<{ seq: number, device_id: string, event_id: string, sku: string | null, location: string | null, qty: number | null, received_at: string, asn: unknown }>
    const out: AsnReceipt[] = []
    for (const r of rows) {
      if (typeof r.asn !== 'string' || r.sku === null || r.qty === null) continue
      out.push({ seq: r.seq, asnId: r.asn, deviceId: r.device_id, eventId: r.event_id, sku: r.sku, location: r.location, qty: r.qty, receivedAt: r.received_at })
    }
    return out
  }

  /** Highest journal seq recorded: the start-up catch-up reads receipts after it. */
  lastSeq (): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM asn_receipts').pluck().get() as number)
  }

  /** Units received per SKU on an ASN, with the receipt event ids, in journal order. */
  received (id: string): Received[] {
    const rows = this.db.prepare('SELECT sku, qty, device_id, event_id, location FROM asn_receipts WHERE asn_id = ? ORDER BY seq').all(id) as Array<{ sku: string, qty: number, device_id: string, event_id: string, location: string | null }>
    const by = new Map<string, Received>()
    for (const r of rows) {
      let x = by.get(r.sku)
      if (!x) { x = { sku: r.sku, qty: 0, events: [], locations: [] }; by.set(r.sku, x) }
      x.qty += r.qty
      x.events.push(`${r.device_id}/${r.event_id}`)
      if (r.location !== null && !x.locations.includes(r.location)) x.locations.push(r.location)
    }
    return [...by.values()]
  }

  /** Open ASNs whose last receipt was at or before `before` (ISO 8601, server clock). */
  quietSince (before: string): string[] {
    return this.db.prepare(`SELECT a.id FROM asns a WHERE a.state = 'open'
      AND (SELECT MAX(received_at) FROM asn_receipts r WHERE r.asn_id = a.id) <= ? ORDER BY a.id`).pluck().all(before) as string[]
  }

  /** Marks it closed if it is open; false when it was closed already (call inside the close's transaction). */
  markClosed (id: string, by: 'api' | 'auto', now: string): boolean {
    return this.db.prepare(`UPDATE asns SET state = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND state = 'open'`).run(now, by, id).changes > 0
  }

  addDiscrepancy (d: { asnId: string, sku: string, kind: DiscrepancyKind, expected: number, received: number, taskId: number }, now: string): number {
    const r = this.db.prepare(`INSERT INTO receiving_discrepancies (asn_id, sku, kind, expected, received, task_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(d.asnId, d.sku, d.kind, d.expected, d.received, d.taskId, now)
    return Number(r.lastInsertRowid)
  }

  discrepancies (id: string): Discrepancy[] {
    return (this.db.prepare('SELECT * FROM receiving_discrepancies WHERE asn_id = ? ORDER BY sku').all(id) as DiscrepancyRow[]).map(toDiscrepancy)
  }

  discrepancyOfTask (taskId: number): Discrepancy | undefined {
    const r = this.db.prepare('SELECT * FROM receiving_discrepancies WHERE task_id = ?').get(taskId) as DiscrepancyRow | undefined
    return r ? toDiscrepancy(r) : undefined
  }

  /** The review's decision on the discrepancy its task was raised for; false when there is none or it is already resolved. */
  resolve (taskId: number, decision: string, at: string): boolean {
    return this.db.prepare('UPDATE receiving_discrepancies SET resolved_at = ?, decision = ? WHERE task_id = ? AND resolved_at IS NULL').run(at, decision, taskId).changes > 0
  }

  /** Locations of a kind, by id (the receiving dock a review happens at, the backroom bins). */
  locationsOfKind (kind: string): string[] {
    return this.db.prepare('SELECT id FROM locations WHERE kind = ? ORDER BY id').pluck().all(kind) as string[]
  }
}
