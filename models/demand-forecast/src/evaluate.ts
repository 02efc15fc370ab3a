// Scoring on M5: every store-item series cut `holdout + offset` days before its end, forecast the
// next `holdout` days, RMSSE per series (M5 scale from the training part), mean over series overall
// and by the demand class our forecast gave it. offset 0 scores the hold-out (the last 28 days);
// offset 28 the validation window before it, which is where parameters are chosen.

import type { M5Data } from '../../../sim/src/demand/m5.js'
import { forecast, rmsse, type DemandClass, type ForecastOptions } from '../../../edge/src/decisions/orders/forecast/index.js'
import { historyOf } from './m5-history.js'
import { REFERENCES, reference } from './references.js'

export const CLASSES: readonly DemandClass[] = ['smooth', 'erratic', 'intermittent', 'lumpy']
export const OURS = 'forecast'
export const METHODS = [OURS, ...REFERENCES] as const

export interface SeriesScore { key: string, demandClass: DemandClass, method: string, rmsse: Record<string, number> }
export interface Summary {
  holdout: number
  offset: number
  /** Series scored (those with an M5 scale: sold before the cut and not constant). */
  series: number
  /** Mean RMSSE per method: overall, then per class with the class's series count. */
  overall: Record<string, number>
  byClass: Record<DemandClass, { series: number, mean: Record<string, number> }>
  scores: SeriesScore[]
}

export interface EvalOptions {
  holdout?: number
  offset?: number
  /** Score the references too (the tuning loop needs only ours). */
  references?: boolean
  forecast?: Partial<ForecastOptions>
  /** Shrink each item's day-of-week profile towards its store's (all items' units before the cut). */
  storePrior?: boolean
}

export function evaluate (data: M5Data, e: EvalOptions = {}): Summary {
  const holdout = e.holdout ?? 28; const offset = e.offset ?? 0
  const methods = e.references === false ? [OURS] : [...METHODS]
  const scores: SeriesScore[] = []
  const priors = e.storePrior === true ? storeProfiles(data, offset + holdout) : undefined
  for (const [key, s] of data.series) {
    const end = s.units.length - offset - holdout
    const train = s.units.subarray(0, end)
    const actual = s.units.subarray(end, end + holdout)
    const h = historyOf(s, end)
    const f = forecast(h, holdout, { backtest: false, ...e.forecast, ...(priors ? { dowPrior: priors.get(s.storeId) } : {}) })
    const r: Record<string, number> = {}
    for (const m of methods) r[m] = rmsse(train, actual, m === OURS ? f.daily : reference(m as typeof REFERENCES[number], h, holdout))
    if (!Number.isFinite(r[OURS])) continue
    scores.push({ key, demandClass: f.demandClass, method: f.method, rmsse: r })
  }
  const mean = (list: SeriesScore[]): Record<string, number> =>
    Object.fromEntries(methods.map((m) => [m, list.length === 0 ? NaN : list.reduce((a, s) => a + s.rmsse[m], 0) / list.length]))
  const byClass = Object.fromEntries(CLASSES.map((c) => {
    const list = scores.filter((s) => s.demandClass === c)
    return [c, { series: list.length, mean: mean(list) }]
  })) as Summary['byClass']
  return { holdout, offset, series: scores.length, overall: mean(scores), byClass, scores }
}

/** Each store's day-of-week profile (Monday first, mean 1) of all its items' units, up to `cut` days before the end. */
export function storeProfiles (data: M5Data, cut: number): Map<string, number[]> {
  const sums = new Map<string, number[]>()
  for (const s of data.series.values()) {
    const sum = sums.get(s.storeId) ?? [0, 0, 0, 0, 0, 0, 0]
    const w0 = (new Date(`${s.startDate}T00:00:00Z`).getUTCDay() + 6) % 7
    const end = s.units.length - cut
    for (let i = Math.max(0, end - 364); i < end; i++) if (s.event[i] === '') sum[(w0 + i) % 7] += s.units[i]
    sums.set(s.storeId, sum)
  }
  const out = new Map<string, number[]>()
  for (const [store, sum] of sums) {
    const total = sum.reduce((a, b) => a + b, 0)
    out.set(store, sum.map((v) => (total > 0 ? (v * 7) / total : 1)))
  }
  return out
}
