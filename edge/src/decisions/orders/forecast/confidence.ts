// How far to trust a forecast, 0..1 = accuracy x history:
// - accuracy = 1 / (1 + rmsse^2) from the backtest: 1 for a perfect backtest, 0.5 at RMSSE 1 (no
//   better than "tomorrow = today" was in sample), 0.2 at RMSSE 2; 0.25 when there was no backtest.
// - history = observations / 182, at most 1: half a year after the first sale covers the seasons of
//   the week and the month and enough flagged days to learn uplift from.
// A never-sold item gets 0.

import type { ForecastError } from './types.js'

export const FULL_HISTORY_DAYS = 182
export const UNTESTED_ACCURACY = 0.25

export function confidence (error: ForecastError | null, observations: number): number {
  if (observations <= 0) return 0
  const accuracy = error === null ? UNTESTED_ACCURACY : 1 / (1 + error.rmsse * error.rmsse)
  return accuracy * Math.min(1, observations / FULL_HISTORY_DAYS)
}
