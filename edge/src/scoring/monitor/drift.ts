// Feature drift: the population stability index of what is scored now against what the model was
// trained on, per feature, over the card's ten quantile bins. Under 0.1 is stable by the usual
// reading, 0.1-0.25 worth a look, over 0.25 a population the model has not really seen.

import { FEATURE_COUNT } from '../spec.js'
import type { FeatureStats } from '../model/card.js'

/** A share of 0 would make the index infinite: bins are floored at this share. */
const FLOOR = 1e-4

/** Bin of x over ascending inner edges: the first k with x <= edges[k], or edges.length. */
export function binOf (edges: readonly number[], x: number): number {
  let lo = 0
  let hi = edges.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x <= edges[mid]) hi = mid
    else lo = mid + 1
  }
  return lo
}

export function psi (expected: readonly number[], actualCounts: ArrayLike<number>, total: number): number {
  let s = 0
  for (let b = 0; b < expected.length; b++) {
    const e = Math.max(FLOOR, expected[b])
    const a = Math.max(FLOOR, total > 0 ? actualCounts[b] / total : 0)
    s += (a - e) * Math.log(a / e)
  }
  return s
}

/** Counts vectors into each feature's training bins; psi() at the end of a pass. */
export class DriftCounter {
  private readonly counts: Array<Uint32Array | null>
  private n = 0

  constructor (private readonly stats: readonly FeatureStats[]) {
    this.counts = stats.map((s) => s.edges && s.shares ? new Uint32Array(s.shares.length) : null)
  }

  add (x: ArrayLike<number>, off: number): void {
    this.n++
    for (let j = 0; j < FEATURE_COUNT; j++) {
      const c = this.counts[j]
      if (c) c[binOf(this.stats[j].edges!, x[off + j])]++
    }
  }

  get total (): number { return this.n }

  /** PSI per feature (null where the card has no bins), or null before any vector. */
  result (): Array<number | null> | null {
    if (this.n === 0) return null
    return this.counts.map((c, j) => c ? psi(this.stats[j].shares!, c, this.n) : null)
  }
}
