// The rule baseline for shelf risk: what the server answers when no model is loaded (or the model is
// refused), and the yardstick the model pipeline (models/shelf-risk) scores side by side with its
// models on held-out seeds. One pure function of one feature vector, so both use the very same code.
//
// Each piece of evidence is a probability that the shelf runs empty within HORIZON_H hours, and the
// pieces are combined as a noisy-OR: risk = 1 - (1 - prior) * prod(1 - p_i). Every piece is monotone
// in its feature, so the risk is too: less cover, a camera gap, a longer silence or an empty record
// can only raise it. The numbers are judgement, not fitted; the model card shows how they score.

import { FEATURE_INDEX, HORIZON_H } from './spec.js'

export const RULE_ID = 'shelf-risk-rules'
/** Bump when a number or a piece below changes: scores carry it as their model version. */
export const RULE_VERSION = '1'

export type RuleName = 'prior' | 'record_empty' | 'low_cover' | 'camera_gap' | 'silent_seller'

export interface RuleEvidence {
  rule: RuleName
  /** Probability this piece alone gives the label, 0-1. */
  p: number
}

/** Any shelf can run empty: shrink, a miscount, a rush nobody predicted. */
const PRIOR = 0.01
/** The record says the shelf is empty (or worse); records are usually right when they say so. */
const RECORD_EMPTY = 0.9
/** Cover at the horizon gives half of LOW_COVER_MAX; the curve is 1 / (1 + (cover_h / HORIZON_H)^3). */
const LOW_COVER_MAX = 0.9
/** A camera saw a gap and nobody filled the shelf since. */
const CAMERA_GAP = 0.8
/**
 * A seller silent for k expected gaps between sales: with stock on the shelf that happens with
 * probability e^-k (Poisson), so from k = 2 on it starts to say "empty", up to SILENT_MAX at k = 8.
 */
const SILENT_FROM = 2 // expected gaps between sales
const SILENT_FULL = 8 // expected gaps between sales
const SILENT_MAX = 0.7

/**
 * The pieces of evidence that apply to the vector at `offset` (FEATURES order, clamped with
 * clampFeatures), the prior first. Pieces that do not apply are left out.
 */
export function ruleEvidence (v: ArrayLike<number>, offset = 0): RuleEvidence[] {
  const out: RuleEvidence[] = [{ rule: 'prior', p: PRIOR }]
  if (v[offset + FEATURE_INDEX.shelf_qty] <= 0) out.push({ rule: 'record_empty', p: RECORD_EMPTY })

  const coverH = Math.max(0, v[offset + FEATURE_INDEX.cover_h]) // hours
  const cover = LOW_COVER_MAX / (1 + (coverH / HORIZON_H) ** 3)
  if (cover >= 0.005) out.push({ rule: 'low_cover', p: cover }) // beyond ~4.6 x the horizon it says nothing

  if (v[offset + FEATURE_INDEX.obs_gap] >= 1) out.push({ rule: 'camera_gap', p: CAMERA_GAP })

  const silence = v[offset + FEATURE_INDEX.silence_ratio] // expected gaps between sales
  if (silence > SILENT_FROM) {
    out.push({ rule: 'silent_seller', p: SILENT_MAX * Math.min(1, (silence - SILENT_FROM) / (SILENT_FULL - SILENT_FROM)) })
  }
  return out
}

/** Probability, 0-1, that the shelf is really empty within HORIZON_H hours, by the rules alone. */
export function ruleRisk (v: ArrayLike<number>, offset = 0): number {
  let keep = 1
  for (const e of ruleEvidence(v, offset)) keep *= 1 - e.p
  return 1 - keep
}
