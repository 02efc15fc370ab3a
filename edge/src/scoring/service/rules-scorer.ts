// The rule baseline (scoring/rules.ts) as a scorer: its probability, and its pieces of evidence as
// the score's explanation, each credited to the feature it reads.

import { RULE_VERSION, ruleEvidence, ruleRisk, type RuleName } from '../rules.js'

export { ruleRisk }
import type { Contribution } from '../model/explainer.js'
import { FEATURE_INDEX, type FeatureName } from '../spec.js'

export const RULES_VERSION = `rules@${RULE_VERSION}`

const FEATURE_OF: Record<Exclude<RuleName, 'prior'>, FeatureName> = {
  record_empty: 'shelf_qty',
  low_cover: 'cover_h',
  camera_gap: 'obs_gap',
  silent_seller: 'silence_ratio'
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4

/** The rules' top three pieces of evidence for a vector (contribution = the piece's probability). */
export function rulesTop (x: ArrayLike<number>, off: number): Contribution[] {
  return ruleEvidence(x, off)
    .filter((e): e is { rule: Exclude<RuleName, 'prior'>, p: number } => e.rule !== 'prior')
    .sort((a, b) => b.p - a.p)
    .slice(0, 3)
    .map((e) => ({ feature: FEATURE_OF[e.rule], value: round(x[off + FEATURE_INDEX[FEATURE_OF[e.rule]]]), contribution: round(e.p) }))
}
