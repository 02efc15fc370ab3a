// Input checks: a forecast from a bad count is worse than none, so bad input throws a RangeError that
// names the day index (the caller logs it with the SKU and skips that SKU).

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Monday = 0 ... Sunday = 6 of a YYYY-MM-DD UTC day; RangeError when it is not a real day. */
export function weekdayOf (day: string): number {
  const m = DAY.exec(day)
  const ms = m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const d = new Date(ms)
  if (m === null || Number.isNaN(ms) || d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) {
    throw new RangeError(`startDay "${day}" is not a YYYY-MM-DD day`)
  }
  return (d.getUTCDay() + 6) % 7
}

/** The units as a Float64Array; RangeError naming the first day that is not a finite count >= 0. */
export function checkedUnits (units: ArrayLike<number>): Float64Array {
  const out = new Float64Array(units.length)
  for (let i = 0; i < units.length; i++) {
    const u = units[i]
    if (typeof u !== 'number' || !Number.isFinite(u) || u < 0) throw new RangeError(`units[${i}] is ${String(u)}: expected a finite count >= 0`)
    out[i] = u
  }
  return out
}

export function checkedHorizon (horizon: number): number {
  if (!Number.isInteger(horizon) || horizon < 0 || horizon > 3660) throw new RangeError(`horizon ${horizon} is not a whole number of days in 0..3660`)
  return horizon
}
