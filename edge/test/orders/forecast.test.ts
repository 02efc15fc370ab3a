import t from 'tap'
import { classify, forecast, rmsse, type DayFlags, type DemandHistory, type ForecastOptions } from '../../src/decisions/orders/forecast/index.js'

// 2024-01-01 is a Monday: day i of these series falls on weekday i % 7 (Monday = 0).
const MONDAY = '2024-01-01'

/** Seeded uniform in [0, 1) (mulberry32): the tests are the same on every run. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
/** Poisson draw (Knuth), fine for the small means here. */
function poisson (rand: () => number, mean: number): number {
  const l = Math.exp(-mean); let k = 0; let p = 1
  do { k++; p *= rand() } while (p > l)
  return k - 1
}
const plain: Partial<ForecastOptions> = { useDow: false, useUplift: false }
const every = (m: ForecastOptions['methods']['smooth']): Partial<ForecastOptions> => ({ ...plain, methods: { smooth: m, erratic: m, intermittent: m, lumpy: m } })

t.test('classification follows Syntetos-Boylan: ADI 1.32 days between sales, CV^2 0.49 of sale sizes', async (t) => {
  const smooth = classify(Array.from({ length: 100 }, (_, i) => 10 + (i % 3)))
  t.equal(smooth.demandClass, 'smooth'); t.equal(smooth.adi, 1); t.ok(smooth.cv2 < 0.01)
  const erratic = classify(Array.from({ length: 100 }, (_, i) => [1, 20, 2, 40][i % 4]))
  t.equal(erratic.demandClass, 'erratic'); t.ok(erratic.cv2 > 0.49)
  const intermittent = classify(Array.from({ length: 99 }, (_, i) => (i % 3 === 0 ? 5 : 0)))
  t.equal(intermittent.demandClass, 'intermittent'); t.equal(intermittent.adi, 3); t.equal(intermittent.cv2, 0)
  const lumpy = classify(Array.from({ length: 99 }, (_, i) => (i % 3 === 0 ? [1, 30][(i / 3) % 2] : 0)))
  t.equal(lumpy.demandClass, 'lumpy')
  t.equal(classify([0, 0, 0, 0, 4, 4, 4, 4]).adi, 1, 'days before the first sale do not count')
  t.same(classify([0, 0, 0]), { demandClass: 'intermittent', adi: Infinity, cv2: 0 }, 'never sold')
  t.same(classify([]), { demandClass: 'intermittent', adi: Infinity, cv2: 0 }, 'empty')
})

t.test('SBA is Croston less its bias; TSB lets the level fall through a run of zeros, Croston does not', async (t) => {
  const sales = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 8 : 0))
  const h: DemandHistory = { startDay: MONDAY, units: sales }
  const croston = forecast(h, 7, { ...every('croston'), crostonAlpha: 0.1 }).level
  const sba = forecast(h, 7, { ...every('sba'), crostonAlpha: 0.1 }).level
  t.ok(Math.abs(croston - 2) < 0.05, `Croston of 8 every 4 days ~ 2/day, got ${croston}`)
  t.ok(Math.abs(sba - croston * 0.95) < 1e-9, 'SBA = Croston x (1 - alpha/2)')

  const stopped: DemandHistory = { startDay: MONDAY, units: [...sales, ...new Array(60).fill(0)] }
  const tsbBefore = forecast(h, 7, every('tsb')).level
  const tsbAfter = forecast(stopped, 7, every('tsb')).level
  const crostonAfter = forecast(stopped, 7, { ...every('croston'), crostonAlpha: 0.1 }).level
  t.ok(tsbAfter < tsbBefore * 0.2, `TSB decays after 60 days without a sale: ${tsbBefore} -> ${tsbAfter}`)
  t.ok(Math.abs(crostonAfter - croston) < 1e-9, 'Croston updates only on a sale, so it still says 2/day')
  t.equal(forecast(stopped, 7, every('tsb')).method, 'tsb', 'method names the estimator (no *dow when the profile is off)')
})

t.test('the day-of-week profile is recovered from a noisy weekly pattern and shapes the daily forecast', async (t) => {
  const rand = prng(7)
  const truth = [0.8, 0.8, 0.8, 0.9, 1.2, 1.6, 0.9] // Monday first, mean 1
  const units = Array.from({ length: 364 }, (_, i) => poisson(rand, 20 * truth[i % 7]))
  const f = forecast({ startDay: MONDAY, units }, 14)
  t.equal(f.dowProfile.length, 7)
  t.ok(Math.abs(f.dowProfile.reduce((a, b) => a + b, 0) - 7) < 1e-9, 'mean 1')
  for (let d = 0; d < 7; d++) t.ok(Math.abs(f.dowProfile[d] - truth[d]) < 0.08, `weekday ${d}: ${f.dowProfile[d].toFixed(3)} vs ${truth[d]}`)
  t.ok(Math.abs(f.level - 20) < 2, `level ${f.level}`)
  // Day 364 is a Monday again: the Saturday of the horizon (index 5) is twice the Monday.
  t.ok(Math.abs(f.daily[5] / f.daily[0] - 2) < 0.25, `Saturday / Monday ${(f.daily[5] / f.daily[0]).toFixed(2)}`)
  t.equal(f.daily[12], f.daily[5], 'weekly')
  t.match(f.method, /\*dow$/)

  const shifted = forecast({ startDay: '2024-01-03', units }, 7) // day 0 is now a Wednesday
  t.ok(Math.abs(shifted.dowProfile[(5 + 2) % 7] - 1.6) < 0.08, 'the profile is indexed by the calendar weekday of startDay + i')
})

t.test('a promotion uplift is learnt from the promo days of the history and applied to promo days ahead', async (t) => {
  const rand = prng(11)
  const promo = (i: number): boolean => i % 10 === 3
  const flags = (i: number): DayFlags | undefined => (promo(i) ? { promo: true } : undefined)
  const units = Array.from({ length: 364 }, (_, i) => poisson(rand, promo(i) ? 40 : 20))
  const f = forecast({ startDay: MONDAY, units, flags }, 20)
  t.ok(f.uplift.promo > 1.75 && f.uplift.promo < 2.15, `promo uplift ${f.uplift.promo.toFixed(3)} (truth 2, shrunk a little towards 1)`)
  t.same([f.uplift.event, f.uplift.snap], [1, 1], 'no event or SNAP days: nothing learnt')
  t.ok(Math.abs(f.level - 20) < 2, `the level is a plain day's: ${f.level}`)
  // Day 373 = horizon index 9 is a promo day; compare with the plain day a week before (index 2).
  t.ok(Math.abs(f.daily[9] / f.daily[2] - f.uplift.promo * f.dowProfile[373 % 7] / f.dowProfile[366 % 7]) < 1e-9)
  t.ok(f.daily[9] > 1.6 * f.level, `promo day ahead ${f.daily[9].toFixed(1)}`)

  const few = forecast({ startDay: MONDAY, units: units.slice(0, 14), flags }, 1)
  t.ok(few.uplift.promo < f.uplift.promo && few.uplift.promo > 1, `two promo days move it less: ${few.uplift.promo.toFixed(3)}`)
})

t.test('bad input throws a RangeError that names the day or the field', async (t) => {
  t.throws(() => forecast({ startDay: MONDAY, units: [1, 2, 3, NaN, 5] }, 7), { name: 'RangeError', message: /units\[3\] is NaN/ })
  t.throws(() => forecast({ startDay: MONDAY, units: [1, -2] }, 7), { name: 'RangeError', message: /units\[1\] is -2/ })
  t.throws(() => forecast({ startDay: MONDAY, units: [1, Infinity] }, 7), { name: 'RangeError', message: /units\[1\]/ })
  t.throws(() => forecast({ startDay: '2024-02-30', units: [1] }, 7), { name: 'RangeError', message: /startDay "2024-02-30"/ })
  t.throws(() => forecast({ startDay: '1/1/2024', units: [1] }, 7), { name: 'RangeError', message: /startDay/ })
  t.throws(() => forecast({ startDay: MONDAY, units: [1] }, -1), { name: 'RangeError', message: /horizon -1/ })
  t.throws(() => forecast({ startDay: MONDAY, units: [1] }, 2.5), { name: 'RangeError', message: /horizon 2.5/ })
  t.throws(() => forecast({ startDay: MONDAY, units: [1] }, 7, { dowPrior: [1, 1] }), { name: 'RangeError', message: /dowPrior/ })
})

t.test('empty, never-sold and short histories: zero or a plain mean, with no backtest and low confidence', async (t) => {
  for (const units of [[], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]) {
    const f = forecast({ startDay: MONDAY, units }, 5)
    t.same(f.daily, [0, 0, 0, 0, 0])
    t.same([f.level, f.sigmaDay, f.confidence, f.observations, f.error, f.method], [0, 0, 0, 0, null, 'none'])
  }
  const short = forecast({ startDay: MONDAY, units: [0, 0, 3, 5, 4] }, 3)
  t.equal(short.observations, 3, 'days from the first sale')
  t.equal(short.error, null, 'too short to backtest')
  t.ok(short.level > 3 && short.level < 5, `level ${short.level}`)
  t.ok(short.sigmaDay > 0, 'sigma from the spread of the days there are')
  t.ok(short.confidence > 0 && short.confidence < 0.05, `confidence ${short.confidence}`)
  t.same(forecast({ startDay: MONDAY, units: [4] }, 0).daily, [], 'horizon 0')
})

t.test('the backtest error and sigmaDay track the noise; confidence falls as the error grows and rises with history', async (t) => {
  const rand = prng(3)
  const steady = Array.from({ length: 364 }, () => poisson(rand, 20))
  const a = forecast({ startDay: MONDAY, units: steady }, 7)
  t.ok(a.error !== null && a.error.days === 28, 'four origins of 7 days')
  t.ok(a.sigmaDay > 3.5 && a.sigmaDay < 6, `sigmaDay ${a.sigmaDay.toFixed(2)} ~ sqrt(20) = 4.5`)
  t.ok(Math.abs(a.error!.bias) < 2, `bias ${a.error!.bias}`)
  t.ok(a.error!.rmsse > 0.5 && a.error!.rmsse < 1, `rmsse ${a.error!.rmsse} (white noise: ~0.71 against naive's sqrt(2) sigma)`)

  // The same, then demand triples for the last 4 weeks: the backtest sees a worse forecast.
  const jumped = steady.map((u, i) => (i >= 336 ? u * 3 : u))
  const b = forecast({ startDay: MONDAY, units: jumped }, 7)
  t.ok(b.error!.rmsse > a.error!.rmsse * 1.5, `rmsse ${a.error!.rmsse.toFixed(2)} -> ${b.error!.rmsse.toFixed(2)}`)
  t.ok(b.error!.bias < -5, 'under-forecast after the jump')
  t.ok(b.sigmaDay > a.sigmaDay * 2)
  t.ok(b.confidence < a.confidence, `confidence ${a.confidence.toFixed(2)} -> ${b.confidence.toFixed(2)}`)

  const young = forecast({ startDay: MONDAY, units: steady.slice(0, 91) }, 7)
  t.ok(young.error !== null && young.confidence < a.confidence, `91 days: ${young.confidence.toFixed(2)} < 364 days: ${a.confidence.toFixed(2)}`)
  t.ok(a.confidence > 0 && a.confidence <= 1)
})

t.test('rmsse is the M5 definition: scaled by the squared one-day differences from the first sale', async (t) => {
  // From index 2: differences 2 and -1, scale (4 + 1) / 2 = 2.5; squared errors 1, 1.
  t.equal(rmsse([0, 0, 1, 3, 2], [2, 2], [1, 3]), Math.sqrt(1 / 2.5))
  t.equal(rmsse([5, 7], [6], [6]), 0)
  t.ok(Number.isNaN(rmsse([0, 0, 0], [1], [0])), 'no sale in training: no scale')
  t.ok(Number.isNaN(rmsse([3, 3, 3], [1], [0])), 'constant training: no scale')
  t.throws(() => rmsse([1, 2], [1, 2], [1]), RangeError)
})
