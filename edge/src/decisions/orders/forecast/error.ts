// Forecast error measures. RMSSE is the M5 competition's (Makridakis et al. 2022): the root of the
// mean squared error over the horizon divided by the mean squared one-day naive difference of the
// training series from its first sale on, so 1 = as bad in the future as "tomorrow = today" was in
// the past, and series of any volume compare.

/** M5 scale of a training series: mean of (y[t] - y[t-1])^2 from the day after the first sale; NaN when undefined. */
export function rmsseScale (train: ArrayLike<number>, end = train.length): number {
  let first = 0
  while (first < end && !(train[first] > 0)) first++
  let sum = 0; let n = 0
  for (let t = first + 1; t < end; t++) { const d = train[t] - train[t - 1]; sum += d * d; n++ }
  return n === 0 ? NaN : sum / n
}

/**
 * RMSSE of `predicted` against `actual` (same length), scaled by `train`. NaN when the scale is
 * undefined or 0: a series that never sold, sold once on its last day, or never changed (M5 leaves
 * such series out too).
 */
export function rmsse (train: ArrayLike<number>, actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length) throw new RangeError(`actual has ${actual.length} days, predicted ${predicted.length}`)
  if (actual.length === 0) throw new RangeError('no days to score')
  const scale = rmsseScale(train)
  if (!(scale > 0)) return NaN
  let sse = 0
  for (let i = 0; i < actual.length; i++) { const e = actual[i] - predicted[i]; sse += e * e }
  return Math.sqrt(sse / actual.length / scale)
}
