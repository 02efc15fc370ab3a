// The little statistics the KPI report needs: means, sample spread, a percentile, and the paired
// difference between two policies run on the same seeds with its 95% confidence interval. Pairing by
// seed removes the variation both policies share (the same demand, the same injected errors), so a
// few seeds already separate real differences from noise.

/** Arithmetic mean; NaN for no values (there is no honest number to give). */
export function mean (xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  let s = 0
  for (const x of xs) s += x
  return s / xs.length
}

/** Sample standard deviation (n - 1 in the denominator); NaN below 2 values. */
export function sd (xs: readonly number[]): number {
  if (xs.length < 2) return NaN
  const m = mean(xs)
  let ss = 0
  for (const x of xs) ss += (x - m) * (x - m)
  return Math.sqrt(ss / (xs.length - 1))
}

/**
 * The q-quantile (0-1) by linear interpolation between order statistics (Hyndman and Fan type 7,
 * numpy's and R's default); NaN for no values. Sorts a copy.
 */
export function quantile (xs: readonly number[], q: number): number {
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} is not between 0 and 1`)
  if (xs.length === 0) return NaN
  const s = Float64Array.from(xs).sort()
  const h = (s.length - 1) * q
  const lo = Math.floor(h)
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo]
}

// Two-sided 95% Student t critical values (the 0.975 quantile), df 1-30 and the usual table rows
// beyond; df = Infinity is the normal 1.960.
const T975: ReadonlyArray<readonly [number, number]> = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365], [8, 2.306],
  [9, 2.262], [10, 2.228], [11, 2.201], [12, 2.179], [13, 2.160], [14, 2.145], [15, 2.131],
  [16, 2.120], [17, 2.110], [18, 2.101], [19, 2.093], [20, 2.086], [21, 2.080], [22, 2.074],
  [23, 2.069], [24, 2.064], [25, 2.060], [26, 2.056], [27, 2.052], [28, 2.048], [29, 2.045],
  [30, 2.042], [40, 2.021], [60, 2.000], [120, 1.980], [Infinity, 1.960]
]

/**
 * Two-sided 95% t critical value for `df` degrees of freedom. Between table rows it interpolates
 * linearly in 1/df, the classic rule for t tables (within 0.001 of the exact value past df 30).
 */
export function tQuantile975 (df: number): number {
  if (!(df >= 1)) throw new RangeError(`t quantile needs df >= 1, got ${df}`)
  for (let k = 0; k < T975.length; k++) {
    const [d, v] = T975[k]
    if (df === d) return v
    if (df < d) {
      const [d0, v0] = T975[k - 1]
      const w = (1 / d0 - 1 / df) / (1 / d0 - 1 / d) // 1/Infinity = 0, so the last row works too
      return v0 + w * (v - v0)
    }
  }
  return 1.96 // df = Infinity
}

export interface PairedDifference {
  /** Mean of b - a over the pairs. */
  mean: number
  /** 95% confidence interval of that mean (t with n - 1 df); null below 2 pairs. */
  ci95: [number, number] | null
  n: number
}

/** b - a pair by pair (a[i] and b[i] come from the same seed), with its 95% CI. */
export function pairedDifference (a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} and ${b.length}`)
  const d = a.map((x, i) => b[i] - x)
  const n = d.length
  const m = mean(d)
  if (n < 2) return { mean: m, ci95: null, n }
  const half = tQuantile975(n - 1) * sd(d) / Math.sqrt(n)
  return { mean: m, ci95: [m - half, m + half], n }
}
