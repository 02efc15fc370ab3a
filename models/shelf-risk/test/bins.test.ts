import t from 'tap'
import { binColumns, binOf, cutBetween, quantileThresholds } from '../src/bins.js'
import { nextFloat32 } from './synthetic.js'

t.test('a cut sits between two values in float32: the lower one goes left, the upper one right', async (t) => {
  t.equal(cutBetween(1, 2), 1.5)
  const a = Math.fround(0.1)
  const b = nextFloat32(a, 1)
  const cut = cutBetween(a, b)
  t.equal(cut, a, 'adjacent float32s: the midpoint would round onto one of them, so the cut is the lower')
  t.ok(a <= cut && b > cut)
  const big = Math.fround(3.4e38)
  t.ok(cutBetween(big, nextFloat32(big, 1)) < Infinity, 'no overflow near float32 max')
})

t.test('few distinct values get a bin each; many get quantile bins of about equal size', async (t) => {
  t.same(Array.from(quantileThresholds(Float32Array.from([0, 1, 1, 0, 2]), 64)), [0.5, 1.5])
  const values = Float32Array.from({ length: 1000 }, (_, i) => i)
  const cuts = quantileThresholds(values, 10)
  t.equal(cuts.length, 9)
  const sizes = new Array(10).fill(0)
  for (const v of values) sizes[binOf(cuts, v)]++
  t.ok(sizes.every((n) => n >= 90 && n <= 110), `bin sizes ${sizes.join(',')}`)
})

t.test('a value that fills bins alone (a common 0) gets its own bin and never splits', async (t) => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i))
  const cuts = quantileThresholds(values, 10)
  t.equal(binOf(cuts, 0), 0)
  t.equal(binOf(cuts, 700), 1, 'the first nonzero value is in the next bin')
})

t.test('bin <= k is the same test as x <= threshold k, for every training value', async (t) => {
  const col = Float32Array.from({ length: 5000 }, (_, i) => Math.fround(Math.sin(i) * 1e3) / 7)
  const b = binColumns([col], 64)
  let disagreements = 0
  for (let k = 0; k < b.thresholds[0].length; k++) {
    for (let i = 0; i < col.length; i++) if ((b.bins[i] <= k) !== (col[i] <= b.thresholds[0][k])) disagreements++
  }
  t.equal(disagreements, 0)
})
