// Shelf-risk rows as the journal thread writes them (scores kept in memory, flushed after each full
// rescoring; confirmations paired with scores): flat tuples of primitives, which cost the least to
// clone across to the thread, upserted in the thread's transaction.

import type { Database } from 'better-sqlite3'

export type RiskScoreRow = [
  sku: string, location: string, score: number, scorer: 'model' | 'rules', version: string, modelVersion: string | null,
  reason: string | null, reasonDetail: string | null, topFeatures: string, features: Uint8Array | null,
  modelScore: number | null, rulesScore: number, candidateScore: number | null, candidateVersion: string | null,
  tier: 'fast' | 'slow', scoredAt: string
]

export type RiskOutcomeRow = [
  observedAt: string, sku: string, location: string, category: string | null, empty: 0 | 1, source: string,
  scoredAt: string, score: number, scorer: string, scores: string
]

/** A point of a SKU-location's score history (migration 014). */
export type RiskHistoryRow = [sku: string, location: string, scoredAt: string, score: number, scorer: 'model' | 'rules']

export interface RiskEntry {
  kind: 'risk'
  scores: RiskScoreRow[]
  outcomes: RiskOutcomeRow[]
  /** Outcomes observed before this time (ISO) are deleted: the monitoring window moved past them. */
  pruneBefore: string | null
  /** Score history points to keep (absent from writers that keep none). */
  history?: RiskHistoryRow[]
  /** History scored before this time (ISO) is deleted: older than riskHistoryDays. */
  historyPruneBefore?: string | null
}

export class RiskRows {
  private readonly upsert
  private readonly insertOutcome
  private readonly prune
  private readonly insertHistory
  private readonly pruneHistory

  constructor (db: Database) {
    this.upsert = db.prepare(`INSERT INTO risk_scores (sku, location, score, scorer, version, model_version, reason, reason_detail,
        top_features, features, model_score, rules_score, candidate_score, candidate_version, tier, scored_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (sku, location) DO UPDATE SET score = excluded.score, scorer = excluded.scorer, version = excluded.version,
        model_version = excluded.model_version, reason = excluded.reason, reason_detail = excluded.reason_detail,
        top_features = excluded.top_features, features = excluded.features, model_score = excluded.model_score,
        rules_score = excluded.rules_score, candidate_score = excluded.candidate_score, candidate_version = excluded.candidate_version,
        tier = excluded.tier, scored_at = excluded.scored_at`)
    this.insertOutcome = db.prepare(`INSERT INTO risk_outcomes (observed_at, sku, location, category, empty, source, scored_at, score, scorer, scores)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.prune = db.prepare('DELETE FROM risk_outcomes WHERE observed_at < ?')
    this.insertHistory = db.prepare('INSERT OR REPLACE INTO risk_history (sku, location, scored_at, score, scorer) VALUES (?, ?, ?, ?, ?)')
    this.pruneHistory = db.prepare('DELETE FROM risk_history WHERE scored_at < ?')
  }

  write (e: RiskEntry): void {
    for (const r of e.scores) this.upsert.run(...r)
    for (const o of e.outcomes) this.insertOutcome.run(...o)
    if (e.pruneBefore !== null) this.prune.run(e.pruneBefore)
    for (const h of e.history ?? []) this.insertHistory.run(...h)
    if (e.historyPruneBefore != null) this.pruneHistory.run(e.historyPruneBefore)
  }
}
