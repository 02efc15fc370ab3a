// How good probabilities were, once the store said what happened: AUC (does a higher score mean an
// emptier shelf), Brier (mean squared error of the probability) and the calibration table (of the
// shelves scored around p, did a share of about p turn out empty).

/** Area under the ROC curve by ranks (ties share their mean rank); null without both outcomes. */
export function auc (p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = p.length
  let pos = 0
  for (let i = 0; i < n; i++) pos += y[i]
  const neg = n - pos
  if (pos === 0 || neg === 0) return null
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b])
  let rankSum = 0
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && p[order[j + 1]] === p[order[i]]) j++
    const rank = (i + j) / 2 + 1 // 1-based mean rank of the tie group
    for (let k = i; k <= j; k++) if (y[order[k]] === 1) rankSum += rank
    i = j + 1
  }
  return (rankSum - pos * (pos + 1) / 2) / (pos * neg)
}

export function brier (p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (p.length === 0) return null
  let s = 0
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2
  return s / p.length
}

export interface CalibrationBin {
  /** Scores in [from, to). */
  from: number
  to: number
  n: number
  meanPredicted: number | null
  observed: number | null
}

/** Ten bins of width 0.1; the last includes 1. */
export function calibration (p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = new Array<number>(bins).fill(0)
  const sp = new Array<number>(bins).fill(0)
  const sy = new Array<number>(bins).fill(0)
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)))
    n[b]++
    sp[b] += p[i]
    sy[b] += y[i]
  }
  return n.map((c, b) => ({ from: b / bins, to: (b + 1) / bins, n: c, meanPredicted: c ? round(sp[b] / c) : null, observed: c ? round(sy[b] / c) : null }))
}

/** Mean predicted minus the observed rate ("calibration in the large"); null without outcomes. */
export function calibrationGap (p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (p.length === 0) return null
  let sp = 0
  let sy = 0
  for (let i = 0; i < p.length; i++) { sp += p[i]; sy += y[i] }
  return (sp - sy) / p.length
}

export const round = (v: number): number => Math.round(v * 1e4) / 1e4
