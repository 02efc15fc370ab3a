// The numbers the features are computed with, in one place, each with its unit and why.

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const WEEK_HOURS = 168

/** Sales rate EWMA half-life, days: a week forgets a promotion in a fortnight, yet keeps weekly rhythm. */
export const RATE_HALF_LIFE_DAYS = 7
/** Decay constant of the rate, per millisecond. */
export const RATE_LAMBDA_PER_MS = Math.LN2 / (RATE_HALF_LIFE_DAYS * DAY_MS)
/**
 * Days of history the rate's warm-up correction assumes at least: one sale an hour ago must not read
 * as a rate of thousands a day.
 */
export const RATE_MIN_AGE_DAYS = 1

/** Hour-of-week profile priors, in units of sales: how much history outweighs the level above. */
export const PRIOR_SKU_UNITS = 336 // 2 units an hour-of-week slot before the SKU's own shape dominates
export const PRIOR_CATEGORY_UNITS = 1680 // 10 units a slot
export const PRIOR_STORE_UNITS = 1680 // 10 units a slot over the default grocery shape

/** Caps, hours (the spec's ranges). */
export const SINCE_CAP_H = 720
export const COVER_CAP_H = 1000
export const SILENCE_CAP = 100
export const SALES_RATIO_CAP = 100
/** Sales per hour below which an item counts as not selling (keeps ratios finite), units/h. */
export const TINY_RATE_H = 1e-6

/** Counts kept per SKU for count_var, and how old one may be, days (= the bootstrap's look-back). */
export const COUNT_MEMORY = 3
export const COUNT_WINDOW_DAYS = 28

/** Supplier lead time assumed when the item master has none, days (a DC delivery cycle). */
export const DEFAULT_LEAD_TIME_D = 2

/** A sale rescored at once: the item sells more than this a day, units/day (about one an hour)... */
export const FAST_MOVER_RATE_DAY = 24
/** ...or its last hour sold more than this many times rate_now, and at least SPIKE_MIN_UNITS units. */
export const SPIKE_FACTOR = 3
export const SPIKE_MIN_UNITS = 3

/** Look-back of the start-up replay, days. */
export const DEFAULT_LOOKBACK_DAYS = 28

/** Empty looks (gap detections, empty shelf checks) kept per location since it was last settled: more add nothing the estimator uses. */
export const PHANTOM_MARKS = 8
/** Longest silence the phantom evidence integrates expected sales over, hours (its likelihood ratio has long saturated by then). */
export const PHANTOM_SILENCE_CAP_H = 168
