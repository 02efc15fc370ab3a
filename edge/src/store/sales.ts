// Daily sales per SKU (migration 009), the demand history the order forecast learns from, and the
// demand calendar. Live days are a projection of the journal: the commit listener adds each batch's
// sale events, and the cursor (the highest journal seq counted) moves in the same transaction, so a
// crash between a commit and its listener is caught up from the events table at start, and nothing
// is counted twice. Days before the store went live come from a history import (the ERP's books),
// which wins for the days it covers.

import type { Database } from 'better-sqlite3'
import type { BatchEntry } from './journal.js'

export interface SaleHistoryRow { sku: string, day: string, units: number }
export interface CalendarDay { day: string, event?: string | null, snap?: boolean }
export interface Promotion { sku: string, from: string, to: string }
export interface HistoryImport { sales?: SaleHistoryRow[], days?: CalendarDay[], promotions?: Promotion[] }

const DAY_MS = 86_400_000

/** YYYY-MM-DD of an epoch ms (UTC). */
export function dayOf (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export function daysBetween (a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

export function addDays (day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS)
}

export class SalesStore {
  private readonly addLive
  private readonly moveCursor
  private readonly upsertImported
  private readonly upsertDay
  private readonly upsertPromo

  constructor (private readonly db: Database) {
    this.addLive = db.prepare(`INSERT INTO sales_daily (sku, day, units) VALUES (?, ?, ?)
      ON CONFLICT (sku, day) DO UPDATE SET units = units + excluded.units`)
    this.moveCursor = db.prepare('UPDATE sales_daily_cursor SET seq = max(seq, ?) WHERE id = 1')
    this.upsertImported = db.prepare(`INSERT INTO sales_daily (sku, day, units, imported) VALUES (?, ?, 0, ?)
      ON CONFLICT (sku, day) DO UPDATE SET imported = excluded.imported`)
    this.upsertDay = db.prepare(`INSERT INTO calendar_days (day, event, snap) VALUES (?, ?, ?)
      ON CONFLICT (day) DO UPDATE SET event = excluded.event, snap = excluded.snap`)
    this.upsertPromo = db.prepare(`INSERT INTO promotions (sku, from_day, to_day) VALUES (?, ?, ?)
      ON CONFLICT (sku, from_day) DO UPDATE SET to_day = excluded.to_day`)
  }

  cursor (): number {
    return this.db.prepare('SELECT seq FROM sales_daily_cursor WHERE id = 1').pluck().get() as number
  }

  /** Commit listener: the batch's sales added to their days, and the cursor moved, in one transaction. */
  committed (accepted: ReadonlyArray<{ seq: number, entry: BatchEntry }>): void {
    const sums = new Map<string, number>()
    let top = 0
    for (const { seq, entry } of accepted) {
      let sku: string | null = null
      let occurredAt = ''
      let qty: number | null = null
      if (entry.kind === 'event') {
        if (entry.event.type !== 'sale') continue
        sku = entry.event.sku ?? null
        occurredAt = entry.event.occurredAt
        qty = entry.event.qty ?? null
      } else if (entry.kind === 'row') {
        if (entry.row[2] !== 'sale') continue
        sku = entry.row[6]
        occurredAt = entry.row[4]
        qty = entry.row[9]
      } else continue
      top = Math.max(top, seq)
      if (sku === null || qty === null) continue
      const key = `${sku}\u0000${occurredAt.slice(0, 10)}`
      sums.set(key, (sums.get(key) ?? 0) + qty)
    }
    if (top === 0) return
    this.apply(sums, top)
  }

  /** Sales journalled after the cursor (a commit whose listener never ran), counted; returns events read. */
  catchUp (): number {
    const from = this.cursor()
    const rows = this.db.prepare(`SELECT sku, substr(occurred_at, 1, 10) AS day, SUM(qty) AS units, COUNT(*) AS n, MAX(seq) AS top
      FROM events WHERE type = 'sale' AND seq > ? AND sku IS NOT NULL AND qty IS NOT NULL GROUP BY sku, day`).all(from) as Array<{ sku: string, day: string, units: number, n: number, top: number }>
    if (rows.length === 0) return 0
    const sums = new Map<string, number>()
    let top = 0
    let n = 0
    for (const r of rows) {
      sums.set(`${r.sku}\u0000${r.day}`, r.units)
      top = Math.max(top, r.top)
      n += r.n
    }
    this.apply(sums, top)
    return n
  }

  private apply (sums: Map<string, number>, top: number): void {
    this.db.transaction(() => {
      for (const [key, units] of sums) {
        const cut = key.indexOf('\u0000')
        this.addLive.run(key.slice(0, cut), key.slice(cut + 1), units)
      }
      this.moveCursor.run(top)
    }).immediate()
  }

  /** History and calendar rows, upserted in one transaction (re-importing the same rows changes nothing). */
  importHistory (h: HistoryImport): { sales: number, days: number, promotions: number } {
    const sales = h.sales ?? []
    const days = h.days ?? []
    const promotions = h.promotions ?? []
    this.db.transaction(() => {
      for (const r of sales) this.upsertImported.run(r.sku, r.day, r.units)
      for (const d of days) this.upsertDay.run(d.day, d.event ?? null, d.snap === true ? 1 : 0)
      for (const p of promotions) this.upsertPromo.run(p.sku, p.from, p.to)
    }).immediate()
    return { sales: sales.length, days: days.length, promotions: promotions.length }
  }

  /**
   * Units per day for every SKU with any sale in [fromDay, toDay] (and in [first, last] when given),
   * index 0 = fromDay.
   */
  series (fromDay: string, toDay: string, skus?: { first: string, last: string }): Map<string, Float64Array> {
    const n = daysBetween(fromDay, toDay) + 1
    const out = new Map<string, Float64Array>()
    if (n <= 0) return out
    // A SKU range walks the primary key (sku, day): a nightly run reads its chunk's SKUs only.
    const rows = (skus === undefined
      ? this.db.prepare('SELECT sku, day, COALESCE(imported, units) FROM sales_daily WHERE day >= ? AND day <= ?').raw().all(fromDay, toDay)
      : this.db.prepare('SELECT sku, day, COALESCE(imported, units) FROM sales_daily WHERE sku >= ? AND sku <= ? AND day >= ? AND day <= ?').raw().all(skus.first, skus.last, fromDay, toDay)) as Array<[string, string, number]>
    // A few hundred distinct days over millions of rows: each day's index is worked out once.
    const index = new Map<string, number>()
    for (let i = 0; i < n; i++) index.set(addDays(fromDay, i), i)
    for (const [sku, day, units] of rows) {
      let s = out.get(sku)
      if (!s) { s = new Float64Array(n); out.set(sku, s) }
      s[index.get(day)!] = units
    }
    return out
  }

  /** The first day each SKU in [first, last] has a row (sold, or imported as a day of history). */
  firstDays (skus: { first: string, last: string }): Map<string, string> {
    const rows = this.db.prepare('SELECT sku, MIN(day) FROM sales_daily WHERE sku >= ? AND sku <= ? GROUP BY sku').raw().all(skus.first, skus.last) as Array<[string, string]>
    return new Map(rows)
  }

  calendar (fromDay: string, toDay: string): Map<string, { event: string | null, snap: boolean }> {
    const rows = this.db.prepare('SELECT day, event, snap FROM calendar_days WHERE day >= ? AND day <= ?').all(fromDay, toDay) as Array<{ day: string, event: string | null, snap: number }>
    return new Map(rows.map((r) => [r.day, { event: r.event, snap: r.snap === 1 }]))
  }

  /** Promotions overlapping [fromDay, toDay], per SKU. */
  promotions (fromDay: string, toDay: string): Map<string, Array<{ from: string, to: string }>> {
    const rows = this.db.prepare('SELECT sku, from_day, to_day FROM promotions WHERE to_day >= ? AND from_day <= ?').all(fromDay, toDay) as Array<{ sku: string, from_day: string, to_day: string }>
    const out = new Map<string, Array<{ from: string, to: string }>>()
    for (const r of rows) {
      const list = out.get(r.sku) ?? []
      list.push({ from: r.from_day, to: r.to_day })
      out.set(r.sku, list)
    }
    return out
  }

  /** Event time of the last sale journalled (any SKU), ISO; null before the first. */
  lastSaleAt (): string | null {
    return (this.db.prepare("SELECT occurred_at FROM events WHERE type = 'sale' ORDER BY seq DESC LIMIT 1").pluck().get() as string | undefined) ?? null
  }
}
