// What a model's score is made of: each feature's share of the margin (the log-odds before the
// sigmoid), so that bias + the sum of the shares is the margin. The API shows the top three.

import { FEATURE_COUNT, FEATURE_NAMES } from '../spec.js'

export interface Explainer {
  kind: 'tree' | 'logistic'
  /** The margin of a vector with no credit to any feature (log-odds). */
  bias: number
  /** 1 for each feature the model reads (a tree splits on it, a weight is not 0). */
  used: Uint8Array
  /** Fills out[0..FEATURE_COUNT) with each feature's credit for the vector at x[off..]; returns the margin. */
  explain (x: ArrayLike<number>, off: number, out: Float64Array): number
}

export interface Contribution {
  feature: string
  /** The feature's value as scored (clamped), in its unit. */
  value: number
  /** Its credit, log-odds for a model, probability for a rule. */
  contribution: number
}

/** The `k` features with the largest credit (by size; ties in feature order), skipping zeros. */
export function topContributions (x: ArrayLike<number>, off: number, credit: Float64Array, k = 3): Contribution[] {
  const picked: number[] = []
  for (let j = 0; j < FEATURE_COUNT; j++) {
    const c = Math.abs(credit[j])
    if (c < 1e-9) continue
    let at = picked.length
    while (at > 0 && Math.abs(credit[picked[at - 1]]) < c) at--
    if (at >= k) continue
    picked.splice(at, 0, j)
    if (picked.length > k) picked.pop()
  }
  return picked.map((j) => ({ feature: FEATURE_NAMES[j], value: round(x[off + j]), contribution: round(credit[j]) }))
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4

export const sigmoid = (m: number): number => 1 / (1 + Math.exp(-m))
