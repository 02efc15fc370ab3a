// The window's figures split by the slow tier's job: the seconds it ran (a full pass, monitoring,
// the changed rows written) against the rest (steady state), for the fast tier's histogram, the
// event-loop readings and the probes. Each reading covers the time since the one before it.

import { Samples } from './load.js'
import { add, delta, quantile, shareAtMost, type Histogram } from './prom.js'
import type { ProbeFigures } from './scoring-probe.js'
import type { Reading } from './scoring-sampler.js'

export interface Split<T> { outside: T, during: T }

export interface FastSplit {
  /** p99 of each second, ms (NaN for a second without observations). */
  perSecondP99: number[]
  p99: Split<number>
  shareWithin20ms: Split<number>
  n: Split<number>
}

const ms = (h: Histogram | null, q: number): number => h === null ? NaN : quantile(h, q) * 1000

/** `job` in performance.now() ms; null when the slow tier did not run in the window. */
export function splitWindow (readings: Reading[], job: { from: number, to: number } | null, probes: ProbeFigures['each']): {
  fast: FastSplit
  lagP99: Split<number>
  probes: Split<{ n: number, p50: number, p99: number, max: number }>
} {
  let outside: Histogram | null = null
  let during: Histogram | null = null
  const perSecondP99: number[] = []
  const lag = { outside: [] as number[], during: [] as number[] }
  for (let i = 1; i < readings.length; i++) {
    const d = delta(readings[i - 1].fast, readings[i].fast)
    perSecondP99.push(d.count > 0 ? ms(d, 0.99) : NaN)
    const overlaps = job !== null && readings[i - 1].at < job.to && readings[i].at > job.from
    if (overlaps) { during = add(during, d); lag.during.push(readings[i].lagP99Ms) } else { outside = add(outside, d); lag.outside.push(readings[i].lagP99Ms) }
  }
  const s = { outside: new Samples(), during: new Samples() }
  for (const p of probes) {
    if (Number.isNaN(p.scoredMs)) continue
    const overlaps = job !== null && p.at < job.to && p.at + p.scoredMs > job.from
    s[overlaps ? 'during' : 'outside'].push(p.scoredMs)
  }
  const brief = (x: Samples): { n: number, p50: number, p99: number, max: number } => { const p = x.percentiles(); return { n: p.n, p50: p.p50, p99: p.p99, max: p.max } }
  const max = (xs: number[]): number => xs.length ? Math.max(...xs) : NaN
  return {
    fast: {
      perSecondP99,
      p99: { outside: ms(outside, 0.99), during: ms(during, 0.99) },
      shareWithin20ms: { outside: outside ? shareAtMost(outside, 0.02) : NaN, during: during ? shareAtMost(during, 0.02) : NaN },
      n: { outside: outside?.count ?? 0, during: during?.count ?? 0 }
    },
    lagP99: { outside: max(lag.outside), during: max(lag.during) },
    probes: { outside: brief(s.outside), during: brief(s.during) }
  }
}
