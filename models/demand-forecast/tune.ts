// Parameter search for the forecast defaults, on validation windows before the hold-out only: the
// mean RMSSE over the 4 windows of 28 days ending 28, 56, 84 and 112 days before the hold-out. Prints
// each improvement and the best set. (Coordinate descent: one parameter at a time, three rounds.)
// Run: node --import tsx models/demand-forecast/tune.ts

import { defaultM5File, loadM5 } from '../../sim/src/demand/m5.js'
import type { ForecastOptions, LevelMethod } from '../../edge/src/decisions/orders/forecast/index.js'
import { FORECAST_DEFAULTS } from '../../edge/src/decisions/orders/forecast/index.js'
import { evaluate } from './src/evaluate.js'

const data = loadM5(defaultM5File())
const OFFSETS = [28, 56, 84, 112]

interface Candidate { f: Partial<ForecastOptions>, storePrior: boolean }
function score (c: Candidate): number {
  let sum = 0
  for (const offset of OFFSETS) sum += evaluate(data, { offset, references: false, forecast: c.f, storePrior: c.storePrior }).overall.forecast
  return sum / OFFSETS.length
}

const LEVELS: LevelMethod[] = ['ses', 'sba', 'tsb', 'ma', 'ses+ma', 'tsb+ma', 'sba+ma', 'ses+tsb']
type Axis = [string, unknown[], (c: Candidate, v: unknown) => Candidate]
const set = (k: keyof ForecastOptions) => (c: Candidate, v: unknown): Candidate => ({ ...c, f: { ...c.f, [k]: v } })
const cls = (k: 'smooth' | 'erratic' | 'intermittent' | 'lumpy') => (c: Candidate, v: unknown): Candidate =>
  ({ ...c, f: { ...c.f, methods: { ...FORECAST_DEFAULTS.methods, ...c.f.methods, [k]: v as LevelMethod } } })
const AXES: Axis[] = [
  ['storePrior', process.env.TUNE_START !== undefined ? [] : [false, true], (c, v) => ({ ...c, storePrior: v as boolean })],
  ['smooth', LEVELS, cls('smooth')],
  ['erratic', LEVELS, cls('erratic')],
  ['intermittent', LEVELS, cls('intermittent')],
  ['lumpy', LEVELS, cls('lumpy')],
  ['sesAlpha', [0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2], set('sesAlpha')],
  ['crostonAlpha', [0.02, 0.05, 0.1, 0.2], set('crostonAlpha')],
  ['tsbAlphaSize', [0.02, 0.05, 0.1, 0.2], set('tsbAlphaSize')],
  ['tsbAlphaProb', [0.01, 0.02, 0.05, 0.1, 0.2], set('tsbAlphaProb')],
  ['maWindow', [14, 28, 42, 56, 91], set('maWindow')],
  ['historyDays', [182, 364, 728, 100000], set('historyDays')],
  ['dowWindow', [91, 182, 364, 728], set('dowWindow')],
  ['dowShrinkUnits', [0, 5, 10, 20, 50, 100, 200], set('dowShrinkUnits')],
  ['upliftHalfWindow', [7, 14, 28], set('upliftHalfWindow')],
  ['upliftShrinkUnits', [2, 5, 10, 20, 50, 100, 1e9], set('upliftShrinkUnits')]
]

let best: Candidate = process.env.TUNE_START !== undefined ? JSON.parse(process.env.TUNE_START) : { f: {}, storePrior: false }
let bestScore = score(best)
console.log('start', bestScore.toFixed(4))
for (let round = 0; round < 3; round++) {
  let moved = false
  for (const [name, values, apply] of AXES) {
    for (const v of values) {
      const c = apply(best, v)
      const s = score(c)
      if (s < bestScore - 1e-5) { best = c; bestScore = s; moved = true; console.log(`round ${round} ${name}=${String(v)}`, s.toFixed(4)) }
    }
  }
  if (!moved) break
}
console.log('best', bestScore.toFixed(4), JSON.stringify(best))
