// The store manager who reviews the server's pending order proposals each evening. A plain model
// of how managers treat a recommender they half trust: they read every pending line (a labor
// cost), approve most, and when a line is far from what they would have ordered by gut (the
// store's old min-max quantity, which the proposal carries as `minMax.qty`) they sometimes pull it
// halfway back toward their gut, more often when the server itself says it is unsure; when their
// gut says no case is due at all they rarely reject it outright (with the reason), and let the
// rest through. Seeded per day, so the same seed gives the same decisions.

import { Rng } from '../rng.js'

/** What the manager reads of a proposal. Quantities are units, in whole cases. */
export interface ProposalToReview {
  id: number | string
  sku: string
  qty: number
  casePack: number
  /** What static min-max on the server's record would order: the manager's gut. */
  minMax: { qty: number }
  /** The server's confidence in its forecast, 0-1. */
  confidence: number
  /** The server fell back to a simple rule (no usable forecast). */
  fallback: boolean
}

export type ManagerDecision =
  | { id: number | string, action: 'approve' }
  | { id: number | string, action: 'modify', qty: number, reason: string }
  | { id: number | string, action: 'reject', reason: string }

export interface ManagerOptions {
  /** Minutes to read one pending line. */
  reviewMinPerProposal: number
  /** Extra minutes to change or reject one (look at the shelf history, type the reason). */
  overrideMin: number
  /**
   * A line is "far" from gut when they differ by at least a case and by at least this share of
   * the larger of the two.
   */
  farShare: number
  /** Chance the manager changes a far line. */
  interveneP: number
  /** ... when the server says it is unsure (confidence below lowConfidence, or a fallback). */
  interveneUnsureP: number
  lowConfidence: number
  /** Chance the manager rejects a line their gut says is not due at all (and when unsure). */
  rejectP: number
  rejectUnsureP: number
}

export const MANAGER_DEFAULTS: ManagerOptions = {
  reviewMinPerProposal: 0.5,
  overrideMin: 1,
  farShare: 0.5,
  interveneP: 0.3,
  interveneUnsureP: 0.6,
  lowConfidence: 0.5,
  rejectP: 0.1,
  rejectUnsureP: 0.2
}

export class StoreManager {
  constructor (private readonly seed: number, private readonly opts: ManagerOptions = MANAGER_DEFAULTS) {}

  /** The evening's decisions on the pending lines (in id order), and the minutes they took. */
  review (day: number, pending: readonly ProposalToReview[]): { decisions: ManagerDecision[], minutes: number } {
    const rng = new Rng(this.seed, `manager:${day}`)
    const lines = [...pending].sort((a, b) => String(a.id).localeCompare(String(b.id), 'en', { numeric: true }))
    const decisions = lines.map((p) => this.decide(p, rng))
    const overrides = decisions.filter((d) => d.action !== 'approve').length
    return { decisions, minutes: lines.length * this.opts.reviewMinPerProposal + overrides * this.opts.overrideMin }
  }

  decide (p: ProposalToReview, rng: Rng): ManagerDecision {
    const o = this.opts
    const gut = Math.max(0, p.minMax.qty)
    const gap = Math.abs(p.qty - gut)
    const far = gap >= p.casePack && gap >= o.farShare * Math.max(p.qty, gut)
    // One draw per line whether far or not, so one line's verdict does not shift the next line's.
    const draw = rng.next()
    if (!far) return { id: p.id, action: 'approve' }
    const unsure = p.fallback || p.confidence < o.lowConfidence
    // Gut says no case at all is due: nothing to meet halfway, only to reject (rarely).
    if (gut < p.casePack / 2) {
      if (draw >= (unsure ? o.rejectUnsureP : o.rejectP)) return { id: p.id, action: 'approve' }
      return { id: p.id, action: 'reject', reason: `not due by my min-max (it would order ${gut}), ${p.qty} proposed` }
    }
    if (draw >= (unsure ? o.interveneUnsureP : o.interveneP)) return { id: p.id, action: 'approve' }
    // Halfway toward gut, in whole cases.
    const cases = Math.max(1, Math.round((p.qty + gut) / 2 / p.casePack))
    const qty = cases * p.casePack
    if (qty === p.qty) return { id: p.id, action: 'approve' }
    return { id: p.id, action: 'modify', qty, reason: `${p.qty > gut ? 'too much' : 'too little'}: my min-max would order ${gut}, meeting halfway` }
  }
}
