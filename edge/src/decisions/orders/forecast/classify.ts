// Demand class by Syntetos, Boylan and Croston (2005), "On the categorization of demand patterns":
// ADI = average days between sales, CV^2 = squared coefficient of variation of the sizes of the
// sales (non-zero days). The cut-offs 1.32 and 0.49 are where Croston/SBA start to beat exponential
// smoothing in their comparison.

import type { DemandClass } from './types.js'

export const ADI_CUT = 1.32 // days between sales
export const CV2_CUT = 0.49 // dimensionless

/**
 * Class of a daily series. Leading zeros (before the first sale) are not counted; ADI = days from the
 * first sale to the end / sale days. A series that never sold has ADI Infinity and CV^2 0, so it is
 * 'intermittent' (the Croston family handles a run of zeros; the level is 0 anyway).
 */
export function classify (units: ArrayLike<number>): { demandClass: DemandClass, adi: number, cv2: number } {
  let first = 0
  while (first < units.length && !(units[first] > 0)) first++
  let n = 0; let sum = 0; let sumSq = 0
  for (let i = first; i < units.length; i++) {
    const u = units[i]
    if (u > 0) { n++; sum += u; sumSq += u * u }
  }
  const adi = n === 0 ? Infinity : (units.length - first) / n
  const mean = n === 0 ? 0 : sum / n
  const cv2 = n === 0 ? 0 : Math.max(0, sumSq / n - mean * mean) / (mean * mean)
  return { demandClass: classOf(adi, cv2), adi, cv2 }
}

export function classOf (adi: number, cv2: number): DemandClass {
  if (adi < ADI_CUT) return cv2 < CV2_CUT ? 'smooth' : 'erratic'
  return cv2 < CV2_CUT ? 'intermittent' : 'lumpy'
}
