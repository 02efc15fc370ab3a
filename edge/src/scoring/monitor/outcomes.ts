// The rolling window of confirmations, each paired with the score its SKU-location had when the
// store confirmed it (made within the previous HORIZON_H hours, event time), with every scorer's
// probability for that same vector: the acting one, the active model's own (also when rules
// acted), the candidate's in shadow, and the rules'. Judging each on the same confirmations is
// what makes the comparison fair.

import { auc, brier, calibration, calibrationGap, round, type CalibrationBin } from './measures.js'
import type { ConfirmationSource } from './confirm.js'

export interface Outcome {
  /** Event time of the confirmation, epoch milliseconds. */
  atMs: number
  sku: string
  location: string
  category: string | null
  empty: 0 | 1
  source: ConfirmationSource
  /** When the paired score was made, epoch milliseconds. */
  scoredAtMs: number
  /** The score that acted and who made it. */
  score: number
  scorer: 'model' | 'rules'
  /** Each scorer's probability for the vector: a model's sha256, or "rules". */
  scores: Record<string, number>
}

export interface ScorerReport {
  n: number
  empty: number
  auc: number | null
  brier: number | null
  /** Mean predicted minus observed rate. */
  calibrationGap: number | null
  calibration: CalibrationBin[]
  byCategory: Array<{ category: string | null, n: number, empty: number, auc: number | null, brier: number | null }>
}

/** "acting" reads the score that acted, anything else a scorer's own probability. */
export type ScorerId = 'acting' | 'rules' | string

export class OutcomeWindow {
  private outcomes: Outcome[] = []

  constructor (readonly windowMs: number) {}

  add (o: Outcome): void { this.outcomes.push(o) }

  /** Drops what fell out of the window ending at `nowMs` (event time). */
  trim (nowMs: number): void {
    const from = nowMs - this.windowMs
    if (this.outcomes.length > 0 && this.outcomes[0].atMs >= from && this.outcomes.every((o) => o.atMs >= from)) return
    this.outcomes = this.outcomes.filter((o) => o.atMs >= from)
  }

  get size (): number { return this.outcomes.length }

  all (): readonly Outcome[] { return this.outcomes }

  /** Outcomes every id in `ids` scored (and `only` keeps). */
  private pick (ids: ScorerId[], only?: (o: Outcome) => boolean): Outcome[] {
    return this.outcomes.filter((o) => ids.every((id) => id === 'acting' || o.scores[id] !== undefined) && (only === undefined || only(o)))
  }

  report (id: ScorerId, alsoScoredBy: ScorerId[] = [], only?: (o: Outcome) => boolean): ScorerReport {
    return reportOf(this.pick([id, ...alsoScoredBy], only), id)
  }
}

const scoreOf = (o: Outcome, id: ScorerId): number => id === 'acting' ? o.score : o.scores[id]

export function reportOf (list: readonly Outcome[], id: ScorerId): ScorerReport {
  const p = Float64Array.from(list, (o) => scoreOf(o, id))
  const y = Uint8Array.from(list, (o) => o.empty as number)
  const cats = new Map<string | null, Outcome[]>()
  for (const o of list) {
    const c = cats.get(o.category)
    if (c) c.push(o)
    else cats.set(o.category, [o])
  }
  const r = (v: number | null): number | null => v === null ? null : round(v)
  return {
    n: list.length,
    empty: y.reduce((s, v) => s + v, 0),
    auc: r(auc(p, y)),
    brier: r(brier(p, y)),
    calibrationGap: r(calibrationGap(p, y)),
    calibration: calibration(p, y),
    byCategory: [...cats].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([category, os]) => {
      const cp = os.map((o) => scoreOf(o, id))
      const cy = os.map((o): number => o.empty)
      return { category, n: os.length, empty: cy.reduce((s, v) => s + v, 0), auc: r(auc(cp, cy)), brier: r(brier(cp, cy)) }
    })
  }
}
