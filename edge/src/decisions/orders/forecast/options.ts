// Tuning of the forecast, with the defaults chosen on M5 (models/demand-forecast): on the 28 days
// before the evaluation hold-out, never on the hold-out itself.

import type { DemandClass } from './types.js'

/** A level estimator (smoothing.ts), or two joined by '+' whose mean is the level. */
export type LevelMethod = 'ses' | 'croston' | 'sba' | 'tsb' | 'ma' | `${'ses' | 'croston' | 'sba' | 'tsb' | 'ma'}+${'ses' | 'croston' | 'sba' | 'tsb' | 'ma'}`

export interface ForecastOptions {
  /** Level estimator per demand class. */
  methods: Record<DemandClass, LevelMethod>
  /** SES smoothing constant, per day. */
  sesAlpha: number
  /** Croston/SBA smoothing constant, per sale. */
  crostonAlpha: number
  /** TSB smoothing constants: size (per sale) and probability of a sale (per day). */
  tsbAlphaSize: number
  tsbAlphaProb: number
  /** Moving-average window, days. */
  maWindow: number
  /** Most recent days of history used (level, class, uplift), days. */
  historyDays: number
  /** Days behind the day-of-week profile, and its shrinkage towards the prior, units. */
  dowWindow: number
  dowShrinkUnits: number
  /** Prior day-of-week profile (Monday first), e.g. the store's whole sales; flat when absent. */
  dowPrior?: readonly number[]
  /** Use the day-of-week profile at all (off gives the plain level, for comparison). */
  useDow: boolean
  /** Half-width of the plain-day baseline window of the uplift, days, and its shrinkage, units. */
  upliftHalfWindow: number
  upliftShrinkUnits: number
  /** Learn uplifts from the flags (off: all 1). */
  useUplift: boolean
  /** Rolling-origin backtest: days at the end of the history, and days between origins. */
  backtestDays: number
  backtestStep: number
  /** Skip the backtest (error null, sigmaDay from the history): for evaluating many parameter sets. */
  backtest: boolean
}

export const DEFAULTS: ForecastOptions = {
  // Chosen by models/demand-forecast/tune.ts (coordinate descent, mean RMSSE over the four 28-day
  // windows before the M5 hold-out): a combination beat any one estimator in every class but erratic.
  methods: { smooth: 'ses+tsb', erratic: 'ses', intermittent: 'tsb+ma', lumpy: 'ses+ma' },
  sesAlpha: 0.03,
  crostonAlpha: 0.1,
  tsbAlphaSize: 0.02,
  tsbAlphaProb: 0.2,
  maWindow: 28,
  historyDays: 728,
  dowWindow: 728,
  dowShrinkUnits: 100,
  useDow: true,
  upliftHalfWindow: 28,
  upliftShrinkUnits: 100,
  useUplift: true,
  backtestDays: 28,
  backtestStep: 7,
  backtest: true
}

export function withDefaults (opts: Partial<ForecastOptions> | undefined): ForecastOptions {
  if (opts === undefined) return DEFAULTS
  const o = { ...DEFAULTS, ...opts, methods: { ...DEFAULTS.methods, ...opts.methods } }
  if (o.dowPrior !== undefined && (o.dowPrior.length !== 7 || o.dowPrior.some((v) => !(v > 0) || !Number.isFinite(v)))) {
    throw new RangeError('dowPrior must be 7 positive multipliers, Monday first')
  }
  return o
}
