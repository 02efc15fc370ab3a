// forecast(): the per-SKU daily demand forecast from the store's own sales. Pure: the caller reads
// the history and flags; this reads no clock or database. See fit.ts for the model and
// models/demand-forecast/README.md for how it does on M5.

import { backtest } from './backtest.js'
import { classify } from './classify.js'
import { confidence } from './confidence.js'
import { fit, predict, type Series } from './fit.js'
import { packFlags } from './flags.js'
import { withDefaults, type ForecastOptions } from './options.js'
import type { DemandHistory, Forecast } from './types.js'
import { checkedHorizon, checkedUnits, weekdayOf } from './validate.js'

/**
 * Forecast `horizon` days after the history. RangeError on a bad start day, horizon or unit count
 * (naming the day index). An empty or never-sold history forecasts 0 with confidence 0.
 */
export function forecast (h: DemandHistory, horizon: number, opts?: Partial<ForecastOptions>): Forecast {
  const o = withDefaults(opts)
  const weekday0 = weekdayOf(h.startDay)
  checkedHorizon(horizon)
  const y = checkedUnits(h.units)
  const n = y.length
  const s: Series = { y, flags: packFlags(h.flags, n + horizon), weekday0 }
  let first = 0
  while (first < n && y[first] === 0) first++
  if (first === n) {
    return {
      demandClass: classify(y).demandClass,
      method: 'none',
      daily: new Array<number>(horizon).fill(0),
      level: 0,
      dowProfile: [1, 1, 1, 1, 1, 1, 1],
      uplift: { event: 1, promo: 1, snap: 1 },
      sigmaDay: 0,
      error: null,
      confidence: 0,
      observations: 0
    }
  }
  const from = Math.max(first, n - o.historyDays)
  const model = fit(s, first, n, o)
  const bt = o.backtest ? backtest(s, first, n, o) : null
  const observations = n - from
  return {
    demandClass: model.demandClass,
    method: model.method,
    daily: predict(model, s, n, horizon),
    level: model.level,
    dowProfile: model.dow,
    uplift: model.uplift,
    sigmaDay: bt?.sigmaDay ?? spread(y, from, n),
    error: bt?.error ?? null,
    confidence: confidence(bt?.error ?? null, observations),
    observations
  }
}

/** Std dev of the daily units, units/day: the error of a forecast with no backtest behind it. */
function spread (y: Float64Array, from: number, end: number): number {
  let sum = 0; let sq = 0
  for (let i = from; i < end; i++) { sum += y[i]; sq += y[i] * y[i] }
  const n = end - from
  const mean = sum / n
  return Math.sqrt(Math.max(0, sq / n - mean * mean))
}
