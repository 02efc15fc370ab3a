// Shelf-risk rows to and from SQLite: changed current scores and new confirmations go to the
// journal thread (one transaction per 5,000 rows, no fsync on the event loop); the monitoring window
// is read back at start.

import type { Database } from '../../store/db.js'
import type { JournalWriter } from '../../store/journal-thread.js'
import type { RiskHistoryRow, RiskOutcomeRow, RiskScoreRow } from '../../store/risk-rows.js'
import type { Outcome } from '../monitor/outcomes.js'
import { featureBlob, topOf, type RiskScore } from './current.js'

const ROWS_PER_WRITE = 5000
/** Rows built (explained: ~20 microseconds each) between turns of the event loop. */
const ROWS_PER_TURN = 500
/** Rows compared with what was last written (~1 microsecond each) between turns. */
const SIGNED_PER_TURN = 5000
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
const iso = (ms: number): string => new Date(ms).toISOString()

/** A score that moved this much (probability) since the last history point kept gets a new point. */
export const RISK_HISTORY_STEP = 0.05

/** The score history's memory: the last point kept per SKU-location, and how long points are kept. */
export interface HistoryKeeping {
  last: Map<string, { score: number, scorer: string }>
  pruneBefore: string | null
}

function historyDue (h: HistoryKeeping, k: string, s: RiskScore): boolean {
  const last = h.last.get(k)
  if (last !== undefined && last.scorer === s.scorer && Math.abs(last.score - s.score) < RISK_HISTORY_STEP) return false
  h.last.set(k, { score: s.score, scorer: s.scorer })
  return true
}

/**
 * What a row says that matters: a score that moved less than 0.001 with the same scorer, reason
 * and version is not written again (every full pass would otherwise rewrite 50,000 rows whose
 * hour-of-day feature moved).
 */
function signature (s: RiskScore): string {
  return `${s.score.toFixed(3)}|${s.scorer}|${s.version}|${s.reason ?? ''}|${s.candidateScore?.toFixed(3) ?? ''}`
}

/**
 * Writes the scores whose row would change and the new outcomes, ROWS_PER_WRITE rows per
 * transaction; rows (and their explanations, worked out here) are built one chunk at a time, so
 * the event loop gets a turn between chunks.
 */
export async function flushRisk (o: { writer: Pick<JournalWriter, 'write'>, scores: RiskScore[], outcomes: Outcome[], written: Map<string, string>, pruneBefore: string | null, history?: HistoryKeeping }): Promise<void> {
  const changed: RiskScore[] = []
  const sigs: string[] = []
  const history: RiskHistoryRow[] = []
  for (let i = 0; i < o.scores.length; i++) {
    const s = o.scores[i]
    const k = `${s.sku}\u0000${s.location}`
    const sig = signature(s)
    if ((i + 1) % SIGNED_PER_TURN === 0) await yieldTurn()
    if (o.written.get(k) === sig) continue
    changed.push(s)
    sigs.push(sig)
    if (o.history !== undefined && historyDue(o.history, k, s)) history.push([s.sku, s.location, iso(s.scoredAtMs), Math.round(s.score * 1e4) / 1e4, s.scorer])
  }
  const outcomes: RiskOutcomeRow[] = []
  for (let i = 0; i < o.outcomes.length; i++) {
    const x = o.outcomes[i]
    outcomes.push([iso(x.atMs), x.sku, x.location, x.category, x.empty, x.source, iso(x.scoredAtMs), x.score, x.scorer, JSON.stringify(x.scores)])
    if ((i + 1) % SIGNED_PER_TURN === 0) await yieldTurn()
  }
  let prune = o.pruneBefore
  let historyPrune = o.history?.pruneBefore ?? null
  for (let i = 0; i < Math.max(changed.length, outcomes.length, history.length, 1); i += ROWS_PER_WRITE) {
    const rows: RiskScoreRow[] = []
    for (let j = i; j < Math.min(i + ROWS_PER_WRITE, changed.length); j++) {
      const s = changed[j]
      rows.push([s.sku, s.location, s.score, s.scorer, s.version, s.modelVersion, s.reason, s.reasonDetail,
        JSON.stringify(topOf(s)), featureBlob(s.features), s.modelScore, s.rulesScore, s.candidateScore, s.candidateVersion, s.tier, iso(s.scoredAtMs)])
      if ((j + 1) % ROWS_PER_TURN === 0) await yieldTurn()
    }
    await o.writer.write([{ kind: 'risk', scores: rows, outcomes: outcomes.slice(i, i + ROWS_PER_WRITE), pruneBefore: prune, history: history.slice(i, i + ROWS_PER_WRITE), historyPruneBefore: historyPrune }])
    for (let j = i; j < Math.min(i + ROWS_PER_WRITE, changed.length); j++) o.written.set(`${changed[j].sku}\u0000${changed[j].location}`, sigs[j])
    prune = null
    historyPrune = null
  }
}

export function loadOutcomes (db: Database, fromMs: number): Outcome[] {
  const rows = db.prepare('SELECT * FROM risk_outcomes WHERE observed_at >= ? ORDER BY id').all(iso(fromMs)) as Array<{
    observed_at: string, sku: string, location: string, category: string | null, empty: 0 | 1, source: Outcome['source'], scored_at: string, score: number, scorer: 'model' | 'rules', scores: string
  }>
  return rows.map((r) => ({
    atMs: Date.parse(r.observed_at),
    sku: r.sku,
    location: r.location,
    category: r.category,
    empty: r.empty,
    source: r.source,
    scoredAtMs: Date.parse(r.scored_at),
    score: r.score,
    scorer: r.scorer,
    scores: JSON.parse(r.scores) as Record<string, number>
  }))
}
