// What the phantom detector reads and counts in SQLite: event ids of its evidence, the short fills
// of the last days, the daily count budget and the precision of counts (count_checks, migration
// 007, written by triggers when a count task is raised, done or cancelled).

import type { Database } from 'better-sqlite3'

export const COUNT_SOURCES = ['detector', 'short_fill', 'manual'] as const
export type CountSource = typeof COUNT_SOURCES[number]

export interface ShortFillRow { taskId: number, sku: string, bin: string, asked: number, found: number, doneAt: string, events: string[] }

export interface SourcePrecision {
  /** Count tasks raised in the window. */
  raised: number
  /** Completed in the window. */
  completed: number
  /** Completed counts that changed the record. */
  discrepancies: number
  /** discrepancies / completed; null when none completed. */
  share: number | null
  /** Units the record was corrected by, summed |change|. */
  unitsCorrected: number
  cancelled: number
}

export interface Precision extends SourcePrecision {
  since: string
  bySource: Record<CountSource, SourcePrecision>
}

export class PhantomRows {
  constructor (private readonly db: Database) {}

  /** Event ids (the device's own) of journal seqs. */
  eventIds (seqs: readonly number[]): Map<number, string> {
    const out = new Map<number, string>()
    const known = seqs.filter((s) => Number.isFinite(s))
    if (known.length === 0) return out
    const rows = this.db.prepare(`SELECT seq, event_id FROM events WHERE seq IN (${known.map(() => '?').join(',')})`).all(...known) as Array<{ seq: number, event_id: string }>
    for (const r of rows) out.set(r.seq, r.event_id)
    return out
  }

  /** Fills completed since `sinceIso` that found fewer units in their bin than they asked for. */
  shortFills (sinceIso: string): ShortFillRow[] {
    const rows = this.db.prepare(`SELECT id, sku, from_location, qty, json_extract(result, '$.found') AS found, done_at, json_extract(result, '$.events') AS events
      FROM tasks WHERE kind = 'fill' AND state = 'done' AND from_location IS NOT NULL AND done_at >= ?
        AND json_extract(result, '$.found') < qty ORDER BY done_at, id`).all(sinceIso) as Array<{ id: number, sku: string, from_location: string, qty: number, found: number, done_at: string, events: string | null }>
    return rows.map((r) => ({ taskId: r.id, sku: r.sku, bin: r.from_location, asked: r.qty, found: r.found, doneAt: r.done_at, events: r.events === null ? [] : JSON.parse(r.events) as string[] }))
  }

  /** Detector counts raised in [fromIso, toIso) by the server clock. */
  detectorRaised (fromIso: string, toIso: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM count_checks WHERE source = 'detector' AND raised_at >= ? AND raised_at < ?`).get(fromIso, toIso) as { n: number }).n
  }

  /** Counts raised, completed (with a discrepancy or not) and cancelled since `sinceIso`, in all and per source. */
  precision (sinceIso: string): Precision {
    const raised = this.db.prepare(`SELECT source, COUNT(*) AS n FROM count_checks WHERE raised_at >= ? GROUP BY source`).all(sinceIso) as Array<{ source: CountSource, n: number }>
    const done = this.db.prepare(`SELECT source, COUNT(*) AS n, COALESCE(SUM(discrepancy), 0) AS d, COALESCE(SUM(abs_units), 0) AS u
      FROM count_checks WHERE done_at >= ? GROUP BY source`).all(sinceIso) as Array<{ source: CountSource, n: number, d: number, u: number }>
    const cancelled = this.db.prepare(`SELECT source, COUNT(*) AS n FROM count_checks WHERE cancelled_at >= ? GROUP BY source`).all(sinceIso) as Array<{ source: CountSource, n: number }>
    const of = (src: CountSource | null): SourcePrecision => {
      const pick = <T extends { source: CountSource }>(rows: T[]): T[] => rows.filter((r) => src === null || r.source === src)
      const completed = sum(pick(done).map((r) => r.n))
      const discrepancies = sum(pick(done).map((r) => r.d))
      return {
        raised: sum(pick(raised).map((r) => r.n)),
        completed,
        discrepancies,
        share: completed > 0 ? discrepancies / completed : null,
        unitsCorrected: sum(pick(done).map((r) => r.u)),
        cancelled: sum(pick(cancelled).map((r) => r.n))
      }
    }
    return { since: sinceIso, ...of(null), bySource: { detector: of('detector'), short_fill: of('short_fill'), manual: of('manual') } }
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
