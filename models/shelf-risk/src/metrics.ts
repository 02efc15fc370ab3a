// How well a score separates and how honest its probabilities are, on rows it never trained on:
// ROC AUC (ranking), Brier score and log loss (probabilities), a calibration table, and the same by
// category. Plain definitions, computed in a fixed order.

export interface Metrics {
  rows: number
  positives: number
  /** Area under the ROC curve, 0-1; null when only one class is present. */
  auc: number | null
  /** Mean squared error of the probability, 0-1, lower is better. */
  brier: number
  /** Mean negative log-likelihood, nats, lower is better (probabilities clipped to [1e-15, 1 - 1e-15]). */
  logLoss: number
}

export interface CalibrationBin {
  /** Predicted probabilities in [from, to) (the last bin includes 1). */
  from: number
  to: number
  rows: number
  /** null for an empty bin. */
  meanPredicted: number | null
  observedRate: number | null
}

/**
 * ROC AUC as the Mann-Whitney statistic: the chance a random positive scores above a random
 * negative, ties counting one half (tied scores share the average of their ranks).
 */
export function rocAuc (scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b)
  let positives = 0
  let rankSum = 0 // of positives, ranks from 1
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++
    const rank = (i + j) / 2 + 1 // average of ranks i+1 .. j+1
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) { positives++; rankSum += rank }
    i = j + 1
  }
  const negatives = n - positives
  if (positives === 0 || negatives === 0) return null
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
}

export function brier (p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2
  return s / p.length
}

export function logLoss (p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]))
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q)
  }
  return s / p.length
}

export function metrics (p: ArrayLike<number>, y: ArrayLike<number>): Metrics {
  let positives = 0
  for (let i = 0; i < y.length; i++) positives += y[i] === 1 ? 1 : 0
  return { rows: p.length, positives, auc: rocAuc(p, y), brier: brier(p, y), logLoss: logLoss(p, y) }
}

/** `bins` equal-width bins of predicted probability, with what really happened in each. */
export function calibration (p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const rows = new Float64Array(bins)
  const sumP = new Float64Array(bins)
  const sumY = new Float64Array(bins)
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)))
    rows[b]++
    sumP[b] += p[i]
    sumY[b] += y[i]
  }
  return Array.from({ length: bins }, (_, b) => ({
    from: b / bins,
    to: (b + 1) / bins,
    rows: rows[b],
    meanPredicted: rows[b] > 0 ? sumP[b] / rows[b] : null,
    observedRate: rows[b] > 0 ? sumY[b] / rows[b] : null
  }))
}

/** Metrics per group (category, scenario...): group codes index `names`; groups without rows are left out. */
export function metricsByGroup (p: ArrayLike<number>, y: ArrayLike<number>, group: ArrayLike<number>, names: readonly string[]): Array<{ group: string } & Metrics> {
  const members: number[][] = names.map(() => [])
  for (let i = 0; i < p.length; i++) members[group[i]].push(i)
  return members.flatMap((idx, g) => idx.length === 0
    ? []
    : [{ group: names[g], ...metrics(idx.map((i) => p[i]), idx.map((i) => y[i])) }])
}
