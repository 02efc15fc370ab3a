// Day-of-week profile: 7 multipliers (Monday = 0, mean 1) of the units sold on each weekday over the
// last `window` days, event days left out (a holiday is not a normal Saturday). Shrunk towards a prior
// (flat, or a profile the caller passes, e.g. the store's whole sales) by the units behind each
// weekday: weight = units / (units + shrinkUnits), so a slow item's few sales do not make a pattern.

import { EVENT } from './flags.js'

export function dowProfile (
  y: Float64Array, flags: Uint8Array, weekday0: number, from: number, end: number,
  window: number, shrinkUnits: number, prior?: readonly number[]
): number[] {
  const sum = [0, 0, 0, 0, 0, 0, 0]; const days = [0, 0, 0, 0, 0, 0, 0]
  for (let i = Math.max(from, end - window); i < end; i++) {
    if ((flags[i] & EVENT) !== 0) continue
    const d = (weekday0 + i) % 7
    sum[d] += y[i]; days[d]++
  }
  let total = 0; let totalDays = 0
  for (let d = 0; d < 7; d++) { total += sum[d]; totalDays += days[d] }
  const out = new Array<number>(7)
  const mean = totalDays === 0 ? 0 : total / totalDays
  for (let d = 0; d < 7; d++) {
    const base = prior?.[d] ?? 1
    const raw = mean > 0 && days[d] > 0 ? sum[d] / days[d] / mean : base
    const w = sum[d] / (sum[d] + shrinkUnits)
    out[d] = base + w * (raw - base)
  }
  return normalised(out)
}

/** Scaled to mean 1 (all 1 when the profile is degenerate). */
export function normalised (p: number[]): number[] {
  let s = 0
  for (const v of p) s += v
  if (!(s > 0)) return [1, 1, 1, 1, 1, 1, 1]
  return p.map((v) => (v * 7) / s)
}
