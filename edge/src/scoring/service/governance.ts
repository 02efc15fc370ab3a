// When the model may not act on a vector, and why: rules score it instead and say so.

import type { ModelCard } from '../model/card.js'
import { FEATURE_COUNT, FEATURE_NAMES } from '../spec.js'

export type RulesReason =
  | 'model_missing' // no model configured, or its file is not there
  | 'model_failed_to_load' // the file is there and was refused (see the model status for the code)
  | 'model_run_failed' // the runtime threw on this batch
  | 'non_finite_input' // a feature was NaN or infinite before clamping
  | 'out_of_training_range' // a feature beyond the range the model was trained on
  | 'calibration_drift' // the model's probabilities stopped matching what the store confirms

export interface RangeLimits {
  lo: Float64Array
  hi: Float64Array
}

/**
 * Per feature, the band the model may score: its training [min, max] widened by `tolerance` x
 * (max - min) on each side ("20 % beyond the training max" with 0.2). Not checked: a feature the
 * card has no range for, and one the model never reads (`used` 0): a lead time that was 2 days for
 * every training row is a constant no tree splits on, and cannot take the model anywhere.
 */
export function rangeLimits (card: ModelCard, tolerance: number, used: ArrayLike<number>): RangeLimits {
  const lo = new Float64Array(FEATURE_COUNT).fill(-Infinity)
  const hi = new Float64Array(FEATURE_COUNT).fill(Infinity)
  card.stats.forEach((s, j) => {
    if (s.min === null || s.max === null || !used[j]) return
    const slack = tolerance * (s.max - s.min)
    lo[j] = s.min - slack
    hi[j] = s.max + slack
  })
  return { lo, hi }
}

/** The first feature of the vector outside the limits, or -1. */
export function outOfRange (limits: RangeLimits, x: ArrayLike<number>, off: number): number {
  for (let j = 0; j < FEATURE_COUNT; j++) {
    const v = x[off + j]
    if (v < limits.lo[j] || v > limits.hi[j]) return j
  }
  return -1
}

export function outOfRangeDetail (limits: RangeLimits, card: ModelCard, x: ArrayLike<number>, off: number, j: number): string {
  const s = card.stats[j]
  const v = x[off + j]
  const side = v > limits.hi[j] ? `above ${round(limits.hi[j])} (training max ${s.max})` : `below ${round(limits.lo[j])} (training min ${s.min})`
  return `${FEATURE_NAMES[j]} = ${round(v)} is ${side}`
}

const round = (v: number): number => Math.round(v * 1000) / 1000
