// What the training rows looked like, per feature, so the server can tell when a store's inputs
// drift away from it: decile bin edges with the share of training rows in each bin (the server
// computes PSI of its recent inputs against these shares) and the range seen in training (the
// server flags inputs outside it: the trees are flat out there, whatever the truth does).

import { FEATURES } from '../../../edge/src/scoring/spec.js'

/** How a value finds its bin, stated in the card so the server bins exactly as we did. */
export const BIN_RULE = 'bin k is the first k with x <= edges[k]; x above every edge is in the last bin (edges.length)'

export interface FeatureDistribution {
  name: string
  /** Ascending inner edges, float32 values seen in training; ties (a common 0) merge deciles. */
  edges: number[]
  /** Share of training rows per bin, edges.length + 1 of them, summing to 1. */
  shares: number[]
  /** Smallest and largest value seen in training (after clamping to the spec range). */
  min: number
  max: number
}

/** Decile edges and shares of every column (FEATURES order); `bins` quantile bins at most. */
export function trainingDistribution (columns: Float32Array[], bins = 10): FeatureDistribution[] {
  return columns.map((col, j) => {
    const sorted = col.slice().sort()
    const n = sorted.length
    const edges: number[] = []
    for (let k = 1; k < bins; k++) {
      // The value at the k-th decile closes bin k-1: rows <= it are in that bin or below.
      const e = sorted[Math.min(n - 1, Math.max(0, Math.ceil(n * k / bins) - 1))]
      if (e < sorted[n - 1] && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e)
    }
    const counts = new Float64Array(edges.length + 1)
    let b = 0
    for (let i = 0; i < n; i++) {
      while (b < edges.length && sorted[i] > edges[b]) b++
      counts[b]++
    }
    return {
      name: FEATURES[j].name,
      edges,
      shares: Array.from(counts, (c) => c / n),
      min: n > 0 ? sorted[0] : 0,
      max: n > 0 ? sorted[n - 1] : 0
    }
  })
}
