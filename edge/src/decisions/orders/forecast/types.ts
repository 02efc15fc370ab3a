// The shapes of the per-SKU demand forecast (issue 6): what the order proposals read. Pure data.

/** Syntetos-Boylan-Croston classes, cut at ADI 1.32 (days between sales) and CV^2 0.49 (of sale sizes). */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy'

export interface DayFlags { event?: boolean, promo?: boolean, snap?: boolean }

export interface DemandHistory {
  /** First day, YYYY-MM-DD (UTC); units[i] is day startDay + i. Days before the item was first sold may be leading zeros. */
  startDay: string
  units: ArrayLike<number>
  /** Flags of day i (i may run past units.length into the horizon); undefined = none. */
  flags?: (i: number) => DayFlags | undefined
}

export interface ForecastError {
  /** Root mean squared scaled error (M5), dimensionless: 1 = as good as the one-day naive forecast in sample. */
  rmsse: number
  /** Mean absolute error, units/day. */
  mae: number
  /** Mean of forecast - actual, units/day: > 0 over-forecasts. */
  bias: number
  /** Days backtested. */
  days: number
}

export interface Forecast {
  demandClass: DemandClass
  /** How the level was made: 'ses', 'sba', 'tsb', 'ma' or two joined by '+' (their mean); then '*dow' when the day-of-week profile is used. 'none' for a never-sold item. */
  method: string
  /** Forecast units for each of the next `horizon` days after the history (day units.length, ...). */
  daily: number[]
  /** Base daily level, units/day, before day-of-week and uplift (a day with no flags, average weekday). */
  level: number
  /** 7 multipliers, index 0 = Monday ... 6 = Sunday (ISO order, UTC days), mean 1. */
  dowProfile: number[]
  /** Multipliers on a flagged day, 1 = none learnt. */
  uplift: { event: number, promo: number, snap: number }
  /** Std dev of one day's forecast error (units), from a rolling-origin backtest on the history: feeds safety stock. */
  sigmaDay: number
  /** Backtest error on the last days of the history; null when too short. */
  error: ForecastError | null
  /** 0..1: how far to trust it (see confidence.ts for the mapping). */
  confidence: number
  /** Days of history used after the first sale. */
  observations: number
}
