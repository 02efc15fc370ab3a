// Histogram bins for split finding: per feature, at most `maxBins` bins cut at quantiles of the
// training values, computed once before the first tree. A tree can only split between bins, so each
// cut is a candidate threshold, and each threshold is chosen so that float32 rounding can never move
// a training value to the other side:
//
//   the ONNX runtime compares the float32 input with a float32 threshold (BRANCH_LEQ: x <= t goes
//   to the true branch). A cut between consecutive distinct values a < b is t = fround((a + b) / 2),
//   or a itself when that midpoint rounds up to b (a and b adjacent float32s). Then a <= t < b holds
//   exactly in float32, the values are float32 already, and "bin <= k" is the same test as
//   "x <= thresholds[k]" for every training value, in JavaScript and in the runtime alike.

/** The cut between two float32 values a < b: a float32 t with a <= t < b. */
export function cutBetween (a: number, b: number): number {
  const t = Math.fround(a / 2 + b / 2) // halves first: a + b can overflow near float32's max
  return t < b && t >= a ? t : a
}

/**
 * Ascending float32 thresholds for one feature: bin k holds values in (t[k-1], t[k]], the last bin
 * everything above the last threshold. Values that fill a bin alone (a common 0, say) get their own.
 */
export function quantileThresholds (values: Float32Array, maxBins: number): Float32Array {
  const sorted = values.slice().sort()
  const n = sorted.length
  const distinct: number[] = []
  const counts: number[] = []
  for (let i = 0; i < n; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++
    else { distinct.push(sorted[i]); counts.push(1) }
  }
  const cuts: number[] = []
  if (distinct.length <= maxBins) {
    for (let k = 0; k + 1 < distinct.length; k++) cuts.push(cutBetween(distinct[k], distinct[k + 1]))
  } else {
    // Greedy walk: close a bin once it holds its share of the rows that remain for the bins left.
    let seen = 0
    let inBin = 0
    for (let k = 0; k + 1 < distinct.length && cuts.length < maxBins - 1; k++) {
      seen += counts[k]
      inBin += counts[k]
      const share = (n - (seen - inBin)) / (maxBins - cuts.length) // rows per bin still to make
      if (inBin >= share) {
        cuts.push(cutBetween(distinct[k], distinct[k + 1]))
        inBin = 0
      }
    }
  }
  return Float32Array.from(cuts)
}

/** The bin of x: the first k with x <= t[k], or t.length when x is above every threshold. */
export function binOf (t: Float32Array, x: number): number {
  let lo = 0
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x <= t[mid]) hi = mid
    else lo = mid + 1
  }
  return lo
}

export interface Binned {
  rows: number
  features: number
  /** Row-major bin numbers [rows, features]: a node's rows are visited one row at a time. */
  bins: Uint8Array
  thresholds: Float32Array[]
}

/** Bins every column with thresholds learnt from the columns themselves (at most 256 bins). */
export function binColumns (columns: Float32Array[], maxBins: number): Binned {
  if (maxBins < 2 || maxBins > 256) throw new Error(`maxBins ${maxBins}: must be 2-256 (bins are bytes)`)
  const rows = columns[0]?.length ?? 0
  const features = columns.length
  const thresholds = columns.map((c) => quantileThresholds(c, maxBins))
  const bins = new Uint8Array(rows * features)
  for (let j = 0; j < features; j++) {
    const col = columns[j]
    const t = thresholds[j]
    for (let i = 0; i < rows; i++) bins[i * features + j] = binOf(t, col[i])
  }
  return { rows, features, bins, thresholds }
}
