// Rolling-origin backtest on the end of the history: refit at origins backtestDays, ... days before
// the end, every backtestStep days, and forecast each day up to the next origin (so each day is
// forecast 1..backtestStep days ahead, like the order proposals' short lead times). Gives the error
// and sigmaDay = the root mean square of the one-day errors (units): what safety stock must cover,
// bias included.

import { fit, predict, type Series } from './fit.js'
import type { ForecastOptions } from './options.js'
import type { ForecastError } from './types.js'
import { rmsseScale } from './error.js'

/** Fewest days after the first sale that a backtest fit needs before its first origin. */
export const MIN_FIT_DAYS = 28

export function backtest (s: Series, from: number, end: number, o: ForecastOptions): { error: ForecastError, sigmaDay: number } | null {
  const first = end - o.backtestDays
  if (o.backtestDays < 1 || first - from < MIN_FIT_DAYS) return null
  let sse = 0; let sae = 0; let se = 0; let days = 0
  for (let at = first; at < end; at += o.backtestStep) {
    const h = Math.min(o.backtestStep, end - at)
    const p = predict(fit(s, from, at, o), s, at, h)
    for (let k = 0; k < h; k++) { const e = p[k] - s.y[at + k]; sse += e * e; sae += Math.abs(e); se += e; days++ }
  }
  const scale = rmsseScale(s.y.subarray(from, first))
  const mse = sse / days
  // A history that never changed before the backtest has no M5 scale: score it against 1 unit^2/day.
  const rmsse = Math.sqrt(mse / (scale > 0 ? scale : 1))
  return { error: { rmsse, mae: sae / days, bias: se / days, days }, sigmaDay: Math.sqrt(mse) }
}
