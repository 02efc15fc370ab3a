// Where a window of the journal starts, found by bisecting the rowid: the journal has no index on
// time (migration 002 dropped it: every index costs each insert), but received_at and the ledger's
// event_seq grow with the rowid, so about 25 point reads find the start of 28 days in millions.

import type { Database } from 'better-sqlite3'

/** The first seq whose received_at is at or after iso (ISO 8601 UTC), or max(seq) + 1. */
export function firstSeqReceivedSince (db: Database, iso: string): number {
  const probe = db.prepare('SELECT seq, received_at AS at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1')
  const max = (db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0
  return bisect(1, max + 1, (id) => {
    const r = probe.get(id) as { seq: number, at: string } | undefined
    return r === undefined || r.at >= iso ? null : r.seq + 1
  })
}

/** The first ledger id whose event_seq is at least seq (snapshot rows, event_seq null, are skipped). */
export function firstLedgerIdForSeq (db: Database, seq: number): number {
  const probe = db.prepare('SELECT id, event_seq AS seq FROM ledger WHERE id >= ? AND event_seq IS NOT NULL ORDER BY id LIMIT 1')
  const max = (db.prepare('SELECT max(id) FROM ledger').pluck().get() as number | null) ?? 0
  return bisect(1, max + 1, (id) => {
    const r = probe.get(id) as { id: number, seq: number } | undefined
    return r === undefined || r.seq >= seq ? null : r.id + 1
  })
}

/**
 * Smallest id in [lo, hi) where the predicate holds; `before(id)` answers null when it holds at id,
 * else the next id worth trying (past rowid gaps). Assumes it holds from some id on.
 */
function bisect (lo: number, hi: number, before: (id: number) => number | null): number {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    const next = before(mid)
    if (next === null) hi = mid
    else lo = Math.max(next, mid + 1)
  }
  return lo
}
