// The KPI arithmetic: quantiles of tasks and of units, age buckets, FIFO dwell in receiving.

import t from 'tap'
import { ageBucket, fifoDwell, quantile, summarize, summarizeWeighted } from '../../src/decisions/kpis/stats.js'

const ones = (values: number[]): Array<{ value: number, weight: number }> => values.map((value) => ({ value, weight: 1 }))
const H = 3_600_000 // ms

t.test('quantiles interpolate between the values around the rank, as spreadsheets do', async (t) => {
  t.equal(quantile(ones([4, 1, 3, 2]), 0.5), 2.5)
  t.ok(Math.abs(quantile(ones([1, 2, 3, 4]), 0.9)! - 3.7) < 1e-9)
  t.equal(quantile(ones([7]), 0.9), 7)
  t.equal(quantile([], 0.5), null)
  t.same(summarize([10, 30]), { n: 2, median: 20, p90: 28 })
  t.same(summarize([]), { n: 0, median: null, p90: null })
})

t.test('weighted quantiles equal those of the expanded list of units', async (t) => {
  const samples = [{ value: 4, weight: 10 }, { value: 2, weight: 5 }, { value: 1.5, weight: 6 }]
  const expanded = [...Array(10).fill(4), ...Array(5).fill(2), ...Array(6).fill(1.5)]
  for (const q of [0, 0.25, 0.5, 0.75, 0.9, 1]) t.equal(quantile(samples, q), quantile(ones(expanded), q), `q ${q}`)
  t.same(summarizeWeighted(samples, 3), { n: 3, median: 2, p90: 4 })
  t.equal(quantile([{ value: 5, weight: 0 }], 0.5), null, 'no weight, no quantile')
})

t.test('age buckets: under 15 minutes, 15-60, 1-4 hours, over 4 hours', async (t) => {
  t.same([0, 14.9, 15, 59.9, 60, 239.9, 240, 10_000].map(ageBucket), ['<15m', '<15m', '15-60m', '15-60m', '1-4h', '1-4h', '>4h', '>4h'])
})

t.test('dwell: put-aways take the oldest units of the SKU first; what is left still waits', async (t) => {
  const now = 100 * H
  const d = fifoDwell([
    { sku: 'A', atMs: now - 6 * H, delta: 10, reason: 'receipt' },
    { sku: 'B', atMs: now - 5 * H, delta: 3, reason: 'receipt' },
    { sku: 'A', atMs: now - 4 * H, delta: 10, reason: 'receipt' },
    { sku: 'A', atMs: now - 2 * H, delta: -15, reason: 'putaway' },
    { sku: 'B', atMs: now - 1 * H, delta: -1, reason: 'count' }, // a count found one fewer: gone, not put away
    { sku: 'B', atMs: now - 1 * H, delta: -4, reason: 'putaway' } // only 2 left on record
  ], now - 24 * H, now)
  t.same(d.samples, [{ value: 4, weight: 10 }, { value: 2, weight: 5 }, { value: 4, weight: 2 }])
  t.equal(d.unmatchedUnits, 2, 'units put away beyond what was received on record')
  t.same(d.waiting, [{ sku: 'A', units: 5, ageH: 4 }])
})

t.test('dwell: a put-away before the window uses up its lots but is not a sample of the window', async (t) => {
  const now = 100 * H
  const d = fifoDwell([
    { sku: 'A', atMs: now - 30 * H, delta: 8, reason: 'receipt' },
    { sku: 'A', atMs: now - 28 * H, delta: -5, reason: 'putaway' },
    { sku: 'A', atMs: now - 2 * H, delta: -3, reason: 'pick' }
  ], now - 24 * H, now)
  t.same(d.samples, [{ value: 28, weight: 3 }], 'the last 3 units waited 28 hours')
  t.same(d.waiting, [])
})
