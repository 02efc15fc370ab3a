// One fit of the model on days [from, end) of the history: class, day-of-week profile, uplifts, then
// the level by the class's estimator on the units divided by both (event days skipped: a holiday's
// sales say little about the next plain day's).

import { classify } from './classify.js'
import { dowProfile } from './dow.js'
import { EVENT } from './flags.js'
import type { ForecastOptions, LevelMethod } from './options.js'
import { croston, movingAverage, ses, tsb } from './smoothing.js'
import type { DemandClass } from './types.js'
import { learnUplift, upliftOf, type Uplift } from './uplift.js'

export interface Model {
  demandClass: DemandClass
  method: string
  level: number
  dow: number[]
  uplift: Uplift
}

export interface Series {
  y: Float64Array
  flags: Uint8Array
  /** Weekday of day 0, Monday = 0. */
  weekday0: number
}

const FLAT = [1, 1, 1, 1, 1, 1, 1]

export function fit (s: Series, from: number, end: number, o: ForecastOptions): Model {
  const start = Math.max(from, end - o.historyDays)
  const { demandClass } = classify(s.y.subarray(start, end))
  const dow = o.useDow ? dowProfile(s.y, s.flags, s.weekday0, start, end, o.dowWindow, o.dowShrinkUnits, o.dowPrior) : FLAT
  const dowOfDay = (i: number): number => dow[(s.weekday0 + i) % 7]
  const uplift = o.useUplift ? learnUplift(s.y, s.flags, dowOfDay, start, end, o.upliftHalfWindow, o.upliftShrinkUnits) : { event: 1, promo: 1, snap: 1 }
  const z = new Float64Array(end - start)
  for (let i = start; i < end; i++) {
    const f = s.flags[i]
    z[i - start] = (f & EVENT) !== 0 ? NaN : s.y[i] / (dowOfDay(i) * upliftOf(uplift, f))
  }
  const method = o.methods[demandClass]
  return { demandClass, method: o.useDow ? `${method}*dow` : method, level: level(z, method, o), dow, uplift }
}

export function level (z: Float64Array, method: LevelMethod, o: ForecastOptions): number {
  const parts = method.split('+')
  let sum = 0
  for (const m of parts) sum += one(z, m, o)
  return sum / parts.length
}

function one (z: Float64Array, m: string, o: ForecastOptions): number {
  switch (m) {
    case 'ses': return ses(z, o.sesAlpha)
    case 'croston': return croston(z, o.crostonAlpha)
    case 'sba': return croston(z, o.crostonAlpha, true)
    case 'tsb': return tsb(z, o.tsbAlphaSize, o.tsbAlphaProb)
    case 'ma': return movingAverage(z, o.maWindow)
    default: throw new RangeError(`unknown level method "${m}"`)
  }
}

/** Units for days [at, at + horizon) from a model. */
export function predict (m: Model, s: Series, at: number, horizon: number): number[] {
  const out = new Array<number>(horizon)
  for (let h = 0; h < horizon; h++) {
    const i = at + h
    out[h] = m.level * m.dow[(s.weekday0 + i) % 7] * upliftOf(m.uplift, s.flags[i])
  }
  return out
}
