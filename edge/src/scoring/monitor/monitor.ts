// Monitoring of shelf-risk scores against what the store confirms: every confirmation (count, gap,
// shelf check, fill of an empty shelf) is kept, and scorers are judged on the counts and checks
// (see calibrationReport for why not on gaps and fills). Each is paired with its SKU-location's current score if that was
// made within the HORIZON_H hours before it (event time), kept for the rolling window, and judged
// per scorer: the active model (its own probability, also where rules acted), a candidate in
// shadow, the rules, and what acted. Feature drift (PSI) is measured on each full rescoring.

import type { Metrics } from '../../core/metrics.js'
import type { FeatureEvent } from '../features/book.js'
import type { ModelCard } from '../model/card.js'
import { FEATURE_NAMES, HORIZON_H } from '../spec.js'
import type { CurrentScores } from '../service/current.js'
import { confirmationOf, type ConfirmationSource, type ConfirmContext } from './confirm.js'
import { DriftCounter } from './drift.js'
import { round } from './measures.js'
import { OutcomeWindow, type Outcome, type ScorerReport } from './outcomes.js'

const HORIZON_MS = HORIZON_H * 3_600_000
/** Confirmations not chosen by their own outcome (see calibrationReport). */
const CALIBRATION_SOURCES: ReadonlySet<ConfirmationSource> = new Set<ConfirmationSource>(['count', 'check'])
/**
 * A score stamped up to this long after the confirmation's event time still pairs with it: the
 * event reached the server after the score was made (handhelds replay offline work), so the score
 * could not have known it. Milliseconds.
 */
const LATE_MS = 5 * 60_000

export interface MonitorOptions extends ConfirmContext {
  scores: CurrentScores
  categoryOf: (sku: string) => string | null
  metrics: Metrics
  windowMs: number
  calibrationBound: number
  calibrationMinCount: number
}

export interface DriftReport {
  atMs: number
  vectors: number
  /** Whose training data the vectors were compared with. */
  modelVersion: string
  features: Array<{ feature: string, psi: number | null }>
}

export class Monitor {
  readonly window: OutcomeWindow
  /** Outcomes not yet written to risk_outcomes. */
  private unsaved: Outcome[] = []
  private drift: DriftReport | null = null

  constructor (private readonly o: MonitorOptions) {
    this.window = new OutcomeWindow(o.windowMs)
  }

  /** A committed event (after the book applied it, before its SKU-location is rescored). */
  observe (e: FeatureEvent): Outcome | null {
    const c = confirmationOf(e, this.o)
    if (c === null) return null
    const s = this.o.scores.get(e.sku!, e.location!)
    if (!s || s.scoredAtMs < e.occurredAtMs - HORIZON_MS || s.scoredAtMs > e.occurredAtMs + LATE_MS) return null
    const scores: Record<string, number> = { rules: s.rulesScore }
    if (s.modelScore !== null && s.modelSha256 !== null) scores[s.modelSha256] = s.modelScore
    if (s.candidateScore !== null && s.candidateSha256 !== null) scores[s.candidateSha256] = s.candidateScore
    const o: Outcome = {
      atMs: e.occurredAtMs,
      sku: s.sku,
      location: s.location,
      category: this.o.categoryOf(s.sku),
      empty: c.empty,
      source: c.source,
      scoredAtMs: s.scoredAtMs,
      score: s.score,
      scorer: s.scorer,
      scores
    }
    this.window.add(o)
    this.unsaved.push(o)
    return o
  }

  /** Outcomes read back from risk_outcomes at start. */
  restore (outcomes: Outcome[]): void {
    for (const o of outcomes) this.window.add(o)
  }

  takeUnsaved (): Outcome[] {
    const out = this.unsaved
    this.unsaved = []
    return out
  }

  /**
   * Why the model with this sha256 may not act (its mean prediction and the observed empty rate
   * differ by more than the bound over enough confirmations), or null.
   */
  calibrationDrift (sha256: string, nowMs: number): string | null {
    this.window.trim(nowMs)
    const r = this.calibrationReport(sha256)
    if (r.n < this.o.calibrationMinCount || r.calibrationGap === null) return null
    if (Math.abs(r.calibrationGap) <= this.o.calibrationBound) return null
    return `mean predicted risk is ${r.calibrationGap > 0 ? 'above' : 'below'} the observed empty rate by ${Math.abs(r.calibrationGap).toFixed(3)} over ${r.n} shelf counts and checks (bound ${this.o.calibrationBound})`
  }

  /**
   * Calibration is judged on shelf counts and checks only. A camera reports a gap only because the
   * shelf is empty, and a fill counts as a confirmation only when it found the shelf empty: both
   * are chosen by the outcome itself, so on them any honest model looks too low (a model predicting
   * 2% that is right would face an observed rate near 100%). A count is chosen by what the server
   * already knew when it last scored (a low record, a gap it has seen and rescored on, the
   * calendar), so the paired score and the count's verdict can be compared fairly.
   */
  calibrationReport (sha256: string): ScorerReport {
    return this.window.report(sha256, [], (o) => CALIBRATION_SOURCES.has(o.source))
  }

  private bySource (): Record<string, { n: number, empty: number }> {
    const out: Record<string, { n: number, empty: number }> = {}
    for (const o of this.window.all()) {
      const b = out[o.source] ??= { n: 0, empty: 0 }
      b.n++
      b.empty += o.empty
    }
    return out
  }

  /** A counter for one full rescoring's vectors against the active model's training bins. */
  driftCounter (card: ModelCard): DriftCounter {
    return new DriftCounter(card.stats)
  }

  finishDrift (counter: DriftCounter, card: ModelCard, nowMs: number): void {
    const psi = counter.result()
    if (psi === null) return
    this.drift = { atMs: nowMs, vectors: counter.total, modelVersion: card.version, features: FEATURE_NAMES.map((feature, j) => ({ feature, psi: psi[j] === null ? null : round(psi[j]!) })) }
    for (const f of this.drift.features) if (f.psi !== null) this.o.metrics.riskPsi.set({ feature: f.feature }, f.psi)
  }

  driftReport (): DriftReport | null { return this.drift }

  /** Reports over the window ending at nowMs, and the gauges set from them. */
  report (nowMs: number, active: { sha256: string } | null, candidate: { sha256: string } | null): MonitoringReport {
    this.window.trim(nowMs)
    const fair = (o: Outcome): boolean => CALIBRATION_SOURCES.has(o.source)
    const out: MonitoringReport = {
      window: { from: new Date(nowMs - this.o.windowMs).toISOString(), to: new Date(nowMs).toISOString(), confirmations: this.window.size, horizonH: HORIZON_H },
      basis: { sources: [...CALIBRATION_SOURCES], note: 'AUC, Brier and calibration on shelf counts and checks: gap detections and empty-shelf fills are chosen by the outcome itself (see allSources)' },
      acting: this.window.report('acting', [], fair),
      active: active ? this.window.report(active.sha256, [], fair) : null,
      candidate: candidate ? this.window.report(candidate.sha256, [], fair) : null,
      rules: this.window.report('rules', [], fair),
      comparison: active && candidate ? { active: this.window.report(active.sha256, [candidate.sha256], fair), candidate: this.window.report(candidate.sha256, [active.sha256], fair) } : null,
      allSources: { bySource: this.bySource(), active: active ? this.window.report(active.sha256) : null, rules: this.window.report('rules') },
      drift: this.drift
    }
    this.gauge('active', out.active)
    this.gauge('candidate', out.candidate)
    this.gauge('rules', out.rules)
    return out
  }

  /**
   * Only the /metrics gauges, after each full rescoring: the three reports they need, with a turn
   * of the event loop between them (a week of confirmations takes tens of milliseconds each).
   */
  async refreshGauges (nowMs: number, active: { sha256: string } | null, candidate: { sha256: string } | null): Promise<void> {
    this.window.trim(nowMs)
    const fair = (o: Outcome): boolean => CALIBRATION_SOURCES.has(o.source)
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
    this.gauge('active', active ? this.window.report(active.sha256, [], fair) : null)
    await turn()
    this.gauge('candidate', candidate ? this.window.report(candidate.sha256, [], fair) : null)
    await turn()
    this.gauge('rules', this.window.report('rules', [], fair))
  }

  private gauge (role: string, r: ScorerReport | null): void {
    const { metrics } = this.o
    for (const [g, v] of [[metrics.riskModelAuc, r?.auc], [metrics.riskModelBrier, r?.brier], [metrics.riskCalibrationGap, r?.calibrationGap]] as const) {
      if (v === null || v === undefined) g.remove({ role })
      else g.set({ role }, v)
    }
  }
}

export interface MonitoringReport {
  window: { from: string, to: string, confirmations: number, horizonH: number }
  /** Which confirmations the scorer reports below are judged on, and why. */
  basis: { sources: ConfirmationSource[], note: string }
  /** The scores that acted (model or rules as governance chose). */
  acting: ScorerReport
  /** The active model's own probabilities, on the confirmations it scored. */
  active: ScorerReport | null
  candidate: ScorerReport | null
  rules: ScorerReport
  /** Active and candidate on the same confirmations (those both scored). */
  comparison: { active: ScorerReport, candidate: ScorerReport } | null
  /** Every confirmation, for information: counts by source, and the scorers judged on them all. */
  allSources: { bySource: Record<string, { n: number, empty: number }>, active: ScorerReport | null, rules: ScorerReport }
  drift: DriftReport | null
}
