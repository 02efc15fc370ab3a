// The demand forecast on M5 (shared/data/m5-tiny): mean RMSSE per series over the last 28 days held
// out, by demand class, against the reference methods scored by the same code; the validation window
// before it (where the defaults were tuned); what the day-of-week profile and the uplifts add; and the
// speed of a nightly pass. Run: npm run eval:forecast

import { defaultM5File, loadM5 } from '../../sim/src/demand/m5.js'
import { forecast } from '../../edge/src/decisions/orders/forecast/index.js'
import { CLASSES, METHODS, evaluate, type Summary } from './src/evaluate.js'
import { historyOf } from './src/m5-history.js'

const file = defaultM5File()
const data = loadM5(file)
const f4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '-')

function table (title: string, s: Summary): void {
  console.log(`\n${title}: ${s.series} series, ${s.holdout} days, mean RMSSE`)
  console.log(['class'.padEnd(13), 'series', ...METHODS.map((m) => m.padStart(9))].join(' '))
  const row = (name: string, n: number, mean: Record<string, number>): void =>
    console.log([name.padEnd(13), String(n).padStart(6), ...METHODS.map((m) => f4(mean[m]).padStart(9))].join(' '))
  for (const c of CLASSES) row(c, s.byClass[c].series, s.byClass[c].mean)
  row('all', s.series, s.overall)
}

console.log(`data: ${file}`)
const holdout = evaluate(data)
table('hold-out (last 28 days)', holdout)
table('validation (the 28 days before)', evaluate(data, { offset: 28 }))
const noDow = evaluate(data, { references: false, forecast: { useDow: false } }).overall.forecast
const noUplift = evaluate(data, { references: false, forecast: { useUplift: false } }).overall.forecast
console.log(`\nhold-out, ours ${f4(holdout.overall.forecast)}; without the day-of-week profile ${f4(noDow)}; without uplifts ${f4(noUplift)}`)

// Speed: 5,000 SKUs with a year (365 days) of history each, backtest included, as the nightly pass.
const series = [...data.series.values()]
const SKUS = 5000
const t0 = performance.now()
let sink = 0
for (let k = 0; k < SKUS; k++) {
  const s = series[k % series.length]
  const end = s.units.length - 28 - (k % 300)
  sink += forecast(historyOf(s, end, end - 365), 28).daily[0]
}
const ms = performance.now() - t0
console.log(`speed: ${SKUS} forecasts of 365 days + 28-day rolling backtest in ${ms.toFixed(0)} ms, ${(ms / SKUS * 1000).toFixed(0)} us per SKU (checksum ${sink.toFixed(1)})`)
