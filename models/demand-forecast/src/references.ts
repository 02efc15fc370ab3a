// The reference forecasts the M5 literature quotes, computed here on the same cut and the same scoring
// as ours: flat forecasts of a level (28-day moving average, SES, Croston, TSB with the M5 benchmarks'
// smoothing constant 0.1), naive (the last day) and seasonal naive (the last week repeated).

import { forecast, type ForecastOptions } from '../../../edge/src/decisions/orders/forecast/index.js'
import type { DemandHistory } from '../../../edge/src/decisions/orders/forecast/index.js'

export const REFERENCES = ['ma28', 'ses', 'croston', 'tsb', 'naive', 'snaive'] as const
export type Reference = typeof REFERENCES[number]

const FLAT: Partial<ForecastOptions> = {
  useDow: false, useUplift: false, backtest: false, historyDays: Infinity, sesAlpha: 0.1, crostonAlpha: 0.1, tsbAlphaSize: 0.1, tsbAlphaProb: 0.1, maWindow: 28
}
const LEVEL: Record<'ma28' | 'ses' | 'croston' | 'tsb', 'ma' | 'ses' | 'croston' | 'tsb'> = { ma28: 'ma', ses: 'ses', croston: 'croston', tsb: 'tsb' }

export function reference (r: Reference, h: DemandHistory, horizon: number): number[] {
  const u = h.units; const n = u.length
  if (r === 'naive') return new Array<number>(horizon).fill(n > 0 ? u[n - 1] : 0)
  if (r === 'snaive') return Array.from({ length: horizon }, (_, k) => (n >= 7 ? u[n - 7 + (k % 7)] : 0))
  const m = LEVEL[r]
  return forecast(h, horizon, { ...FLAT, methods: { smooth: m, erratic: m, intermittent: m, lumpy: m } }).daily
}
