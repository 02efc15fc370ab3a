// Level estimators on a (de-seasonalised) daily series, units/day, each O(n) with no allocation.
// NaN entries are days to skip (a closed store, an event day): they update nothing.
// - SES: simple exponential smoothing of the daily units.
// - Croston (1972): smooths the size of a sale and the days between sales separately, forecast =
//   size / interval, updated only on sale days. SBA (Syntetos-Boylan approximation, 2005) multiplies
//   by (1 - alpha/2) to remove Croston's upward bias.
// - TSB (Teunter, Syntetos, Babai 2011): smooths the probability of a sale every day and its size on
//   sale days, forecast = p x size, so the level decays through a long run of zeros (Croston's does not).
// - MA: mean of the last `window` days.

/** First usable index and the mean of the first `k` usable values, to start a recursion. */
function start (z: ArrayLike<number>, k: number): { mean: number, from: number } {
  let sum = 0; let n = 0; let i = 0
  for (; i < z.length && n < k; i++) {
    const v = z[i]
    if (v === v) { sum += v; n++ }
  }
  return { mean: n === 0 ? 0 : sum / n, from: i }
}

export function ses (z: ArrayLike<number>, alpha: number): number {
  const s = start(z, 7)
  let level = s.mean
  for (let i = s.from; i < z.length; i++) {
    const v = z[i]
    if (v === v) level += alpha * (v - level)
  }
  return level
}

export function croston (z: ArrayLike<number>, alpha: number, sba = false): number {
  let size = NaN; let interval = NaN; let gap = 1
  for (let i = 0; i < z.length; i++) {
    const v = z[i]
    if (v !== v) continue
    if (v > 0) {
      if (size !== size) { size = v; interval = gap } else { size += alpha * (v - size); interval += alpha * (gap - interval) }
      gap = 1
    } else gap++
  }
  if (size !== size) return 0
  return (sba ? 1 - alpha / 2 : 1) * size / interval
}

export function tsb (z: ArrayLike<number>, alphaSize: number, alphaProb: number): number {
  let size = NaN; let p = 0; let seen = 0; let sum = 0; let sales = 0
  for (let i = 0; i < z.length; i++) {
    const v = z[i]
    if (v !== v) continue
    // Start both from the first 28 usable days (a fair first guess, not the first sale alone).
    if (seen < 28) {
      seen++; if (v > 0) { sales++; sum += v }
      if (seen === 28) { p = sales / seen; size = sales > 0 ? sum / sales : NaN }
      continue
    }
    if (v > 0) { p += alphaProb * (1 - p); size = size !== size ? v : size + alphaSize * (v - size) } else p -= alphaProb * p
  }
  if (seen > 0 && seen < 28) { p = sales / seen; size = sales > 0 ? sum / sales : NaN }
  return size !== size ? 0 : p * size
}

export function movingAverage (z: ArrayLike<number>, window: number): number {
  let sum = 0; let n = 0
  for (let i = z.length - 1; i >= 0 && n < window; i--) {
    const v = z[i]
    if (v === v) { sum += v; n++ }
  }
  return n === 0 ? 0 : sum / n
}
