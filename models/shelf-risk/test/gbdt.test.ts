import t from 'tap'
import { scoreAll } from '../src/examples.js'
import { GBDT_DEFAULTS, leafOf, predictRisk, trainGbdt, type GbdtParams, type Tree } from '../src/gbdt.js'
import { logisticRisk, trainLogistic } from '../src/logistic.js'
import { rocAuc } from '../src/metrics.js'
import { syntheticRows, toExamples, truthLogit } from './synthetic.js'

const train = toExamples(syntheticRows([1, 2, 3], 4000, 11))
const validation = toExamples(syntheticRows([4], 3000, 12))
const test = toExamples(syntheticRows([5], 6000, 13))
/** Every array of every tree, back to back: equal bytes, equal trees. */
const bytesOf = (trees: Tree[]): Buffer => Buffer.concat(trees.flatMap((x) =>
  [x.feature, x.threshold, x.left, x.right, x.value, x.cover, x.gain].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))))
const params: GbdtParams = { ...GBDT_DEFAULTS, trees: 80, seed: 7 }

t.test('the trees learn a rule of thresholds, an interaction and a band, and beat a straight line at it', async (t) => {
  const gbdt = trainGbdt(train, params, { validation })
  const logistic = trainLogistic(train)
  const aucTrees = rocAuc(scoreAll(test, (v, o) => predictRisk(gbdt, v, o)), test.labels) ?? 0
  const aucLine = rocAuc(scoreAll(test, (v, o) => logisticRisk(logistic, v, o)), test.labels) ?? 0
  const aucTruth = rocAuc(scoreAll(test, (v, o) => truthLogit(v.subarray(o))), test.labels) ?? 0
  t.ok(aucTrees > 0.9, `GBDT AUC ${aucTrees.toFixed(4)} > 0.9 (the true rule scores ${aucTruth.toFixed(4)})`)
  t.ok(aucTrees > aucLine + 0.03, `GBDT ${aucTrees.toFixed(4)} beats logistic ${aucLine.toFixed(4)}`)
  t.ok(logistic.converged, 'Newton converged')
})

t.test('the same data and seed grow the same trees, bit for bit; another seed other trees', async (t) => {
  const a = trainGbdt(train, { ...params, trees: 20 })
  const b = trainGbdt(train, { ...params, trees: 20 })
  const c = trainGbdt(train, { ...params, trees: 20, seed: 8 })
  t.ok(bytesOf(a.trees).equals(bytesOf(b.trees)), 'identical trees')
  t.equal(a.baseScore, b.baseScore)
  t.notOk(bytesOf(a.trees).equals(bytesOf(c.trees)), 'the seed drives the row subsampling')
})

t.test('early stopping keeps the trees up to the best validation round', async (t) => {
  // A high learning rate overfits fast, so the validation loss turns up early.
  const m = trainGbdt(train, { ...params, trees: 300, learningRate: 0.8, earlyStoppingRounds: 5 }, { validation })
  const losses = m.history.map((r) => r.validLogLoss)
  const best = losses.indexOf(Math.min(...losses))
  t.ok(m.history.length < 300, `stopped after ${m.history.length} rounds`)
  t.equal(m.history.length, best + 1 + 5, 'five rounds past the best')
  t.equal(m.trees.length, best + 1)
})

t.test('trees respect the depth limit and the least child weight', async (t) => {
  const m = trainGbdt(train, { ...params, trees: 10, maxDepth: 3, minChildWeight: 50 })
  for (const tree of m.trees) {
    const depth = (n: number): number => (tree.feature[n] < 0 ? 0 : 1 + Math.max(depth(tree.left[n]), depth(tree.right[n])))
    t.ok(depth(0) <= 3)
    for (let n = 0; n < tree.feature.length; n++) if (tree.feature[n] < 0 && n > 0) t.ok(tree.cover[n] >= 50, 'leaf cover >= 50')
  }
})

t.test('a value equal to a threshold goes to the left (true) branch', async (t) => {
  const m = trainGbdt(train, { ...params, trees: 1 })
  const tree = m.trees[0]
  const v = new Float32Array(22)
  const f = tree.feature[0]
  v[f] = tree.threshold[0]
  t.equal(leafOf(tree, v) >= tree.left[0] && leafOf(tree, v) < tree.right[0], true, 'lands in the left subtree')
})

t.test('parameters out of range are refused by name', async (t) => {
  t.throws(() => trainGbdt(train, { ...params, subsample: 0 }), /subsample/)
  t.throws(() => trainGbdt(train, { ...params, maxBins: 300 }), /maxBins/)
  t.throws(() => trainGbdt(train, { ...params, trees: 1.5 }), /trees/)
})
