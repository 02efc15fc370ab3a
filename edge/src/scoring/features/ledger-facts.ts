// The on-hand ledger rows of counts and putaways after a journal seq: a replay over today's record
// cannot compute a count's variance or the shelf after a fill, but the journal wrote both down.

import type { Database } from 'better-sqlite3'
import { firstLedgerIdForSeq } from './journal-range.js'
import type { LedgerRow } from './types.js'

/** Rows of events with seq in [fromSeq, toSeq], by seq. */
export function ledgerFactsSince (db: Database, fromSeq: number, toSeq = Number.MAX_SAFE_INTEGER): Map<number, LedgerRow[]> {
  const facts = new Map<number, LedgerRow[]>()
  const start = firstLedgerIdForSeq(db, fromSeq)
  const rows = db.prepare(`SELECT event_seq, location, delta, balance FROM ledger
    WHERE id >= ? AND bucket = 'on_hand' AND reason IN ('count', 'putaway') AND event_seq <= ?`).raw()
  for (const [seq, location, delta, balance] of rows.iterate(start, toSeq) as IterableIterator<[number, string, number, number]>) {
    const row = { location, delta, balance }
    const list = facts.get(seq)
    if (list) list.push(row)
    else facts.set(seq, [row])
  }
  return facts
}
