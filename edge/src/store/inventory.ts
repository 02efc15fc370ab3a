// The store-wide perpetual inventory, a page at a time in (sku, location) order. Each page is a
// keyset read on the positions primary key (sku, location), a clustered WITHOUT ROWID table: the
// page after a million rows costs what the first one does, and no sort is needed.

import type { Database } from 'better-sqlite3'
import type { Position } from './queries.js'

export interface InventoryPosition extends Position { sku: string }

export interface InventoryQuery {
  /** Rows strictly after this key. */
  after?: { sku: string, location: string }
  /** Only positions at locations of this kind. */
  kind?: string
  /** Only SKUs starting with this; SKU code characters only (letters, digits, _ . - /). */
  skuPrefix?: string
  limit: number
}

/** The page's SQL and arguments (exported so a test can check SQLite's plan for it). */
export function inventorySql (q: InventoryQuery): { sql: string, args: unknown[] } {
  const where: string[] = []
  const args: unknown[] = []
  if (q.after !== undefined) { where.push('(p.sku, p.location) > (?, ?)'); args.push(q.after.sku, q.after.location) }
  if (q.skuPrefix !== undefined && q.skuPrefix !== '') {
    // A range on the key rather than LIKE/GLOB: with a cursor too, SQLite then seeks to the cursor
    // and stops at the prefix's end. The SKU alphabet is ASCII, so the successor is the last char + 1.
    const hi = q.skuPrefix.slice(0, -1) + String.fromCharCode(q.skuPrefix.charCodeAt(q.skuPrefix.length - 1) + 1)
    where.push('p.sku >= ? AND p.sku < ?')
    args.push(q.skuPrefix, hi)
  }
  if (q.kind !== undefined) { where.push('l.kind = ?'); args.push(q.kind) }
  // One row past the page tells whether there is a next page without a count.
  const sql = `SELECT p.sku, p.location, l.kind, p.on_hand, p.in_transit, p.reserved, p.updated_at
    FROM positions p LEFT JOIN locations l ON l.id = p.location
    ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY p.sku, p.location LIMIT ?`
  return { sql, args: [...args, q.limit + 1] }
}

export function inventoryPage (db: Database, q: InventoryQuery): { positions: InventoryPosition[], more: boolean } {
  const { sql, args } = inventorySql(q)
  const rows = db.prepare(sql).all(...args) as Array<Record<string, never>>
  const more = rows.length > q.limit
  return {
    positions: rows.slice(0, q.limit).map((r) => ({
      sku: r.sku, location: r.location, kind: r.kind, onHand: r.on_hand, inTransit: r.in_transit, reserved: r.reserved, updatedAt: r.updated_at
    })),
    more
  }
}
