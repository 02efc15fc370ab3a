// Builds the feature book at start-up: master data and every position into the mirror, then the
// last lookbackDays of the journal replayed (effects off: the positions already hold them) so the
// rates, shapes, looks and counts are as the live book would have them. One query, paged over the
// rowid range of the window: 1.2 M events in about 3 s on a 2-core VM (bench/features.ts), most of
// it better-sqlite3 handing rows over.

import type { Database } from 'better-sqlite3'
import type { Log } from '../../core/log.js'
import type { EventType } from '../../core/event.js'
import { FeatureBook } from './book.js'
import { firstSeqReceivedSince } from './journal-range.js'
import { priceOf } from './from-entry.js'
import { ledgerFactsSince } from './ledger-facts.js'
import { MasterSync } from './master-sync.js'
import { DAY_MS, DEFAULT_LOOKBACK_DAYS } from './tuning.js'
import type { FeatureEvent, ItemFacts, KindOf } from './types.js'

export interface LoadFeatureBookOptions {
  item: (sku: string) => ItemFacts | undefined
  kindOf: KindOf
  /** Server time at start, epoch ms: the replay covers events that occurred after nowMs - lookbackDays. */
  nowMs: number
  lookbackDays?: number
  log: Log
  /** Reloads the catalog item and kindOf read through, before the book re-reads master data. */
  refreshCatalog?: () => void
}

/** Event types that teach a signal; the rest only move stock, which the positions already hold. */
const SIGNAL_TYPES: readonly EventType[] = ['sale', 'gap_detected', 'cycle_count', 'putaway', 'shelf_check']
const TYPE_CODE = `CASE type ${SIGNAL_TYPES.map((t, i) => `WHEN '${t}' THEN ${i}`).join(' ')} END`
/** Journal seqs read per query, events. */
const PAGE = 20_000

// An event is received at most maxEventFutureS (at most a day) before it occurred: starting the scan
// a day and a minute before the cutoff in receipt time misses no event that occurred after it.
const RECEIPT_MARGIN_MS = DAY_MS + 60_000

export function loadFeatureBook (db: Database, opts: LoadFeatureBookOptions): FeatureBook {
  const started = performance.now()
  const sync = new MasterSync(db, { log: opts.log, refreshCatalog: opts.refreshCatalog })
  const book: FeatureBook = new FeatureBook({
    item: opts.item,
    kindOf: opts.kindOf,
    skus: () => sync.skus,
    refresh: () => { sync.ifChanged(book) }
  })
  const { seq: lastSeq, positions } = sync.load(book, { atStart: true })
  const loadedMs = performance.now()

  const lookbackDays = opts.lookbackDays ?? DEFAULT_LOOKBACK_DAYS
  const cutoff = new Date(opts.nowMs - lookbackDays * DAY_MS).toISOString()
  const firstSeq = firstSeqReceivedSince(db, new Date(opts.nowMs - lookbackDays * DAY_MS - RECEIPT_MARGIN_MS).toISOString())
  const facts = ledgerFactsSince(db, firstSeq, lastSeq)
  // Event time as epoch ms in SQL (exact: SQLite keeps julian-day milliseconds as an integer) and
  // the type as a small number: fewer strings to make per row. Read in pages of PAGE seqs with
  // all(), which hands rows over faster than a row-at-a-time iterator. A sale's location (its home
  // shelf) teaches nothing and is left out; prices are read afterwards, for each item's last sale.
  const page = db.prepare(`SELECT seq, ${TYPE_CODE}, sku, CASE WHEN type = 'sale' THEN NULL ELSE location END, qty, CAST(round(unixepoch(occurred_at, 'subsec') * 1000) AS INTEGER)
    FROM events
    WHERE seq >= ? AND seq < ? AND occurred_at >= ? AND sku IS NOT NULL AND type IN (${SIGNAL_TYPES.map((t) => `'${t}'`).join(', ')})`).raw()
  let events = 0
  type Row = [number, number, string, string | null, number | null, number]
  // One event object, refilled per row: the book keeps nothing of it.
  const e: FeatureEvent = { seq: 0, type: 'sale', sku: null, location: null, qty: null, occurredAtMs: 0, from: null, price: null }
  for (let from = firstSeq; from <= lastSeq; from += PAGE) {
    for (const row of page.all(from, Math.min(from + PAGE, lastSeq + 1), cutoff) as Row[]) {
      const seq = row[0]
      e.seq = seq
      e.type = SIGNAL_TYPES[row[1]]
      e.sku = row[2]
      e.location = row[3]
      e.qty = row[4]
      e.occurredAtMs = row[5]
      e.ledger = undefined
      const rows = facts.get(seq)
      if (rows !== undefined) {
        for (const r of rows) if (r.location === e.location) e.ledger = { delta: r.delta, balance: r.balance }
      }
      book.apply(e, { effects: false })
      events++
    }
  }
  const price = db.prepare("SELECT json_extract(data, '$.price') FROM events WHERE seq = ?").pluck()
  book.fillLastPrices((seq) => priceOf(price.get(seq)))
  const ms = performance.now() - started
  opts.log.info({
    positions, skus: sync.skus.length, events, lookbackDays, fromSeq: firstSeq, toSeq: lastSeq,
    readMs: Math.round(loadedMs - started), replayMs: Math.round(performance.now() - loadedMs), ms: Math.round(ms)
  }, 'feature book loaded')
  return book
}
