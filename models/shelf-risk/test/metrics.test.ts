import t from 'tap'
import { brier, calibration, logLoss, metrics, metricsByGroup, rocAuc } from '../src/metrics.js'

t.test('AUC is the share of positive-negative pairs ranked the right way round', async (t) => {
  // Pairs (pos, neg): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right, (0.8, 0.4) right: 3 of 4.
  t.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75)
  t.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1, 'perfect ranking')
  t.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0, 'perfectly wrong')
})

t.test('tied scores count half a pair, whatever order the rows come in', async (t) => {
  // Positive 0.5 ties both negatives (2 x 1/2), positive 0.9 beats both (2): 3 of 4 pairs.
  t.equal(rocAuc([0.5, 0.5, 0.5, 0.9], [0, 1, 0, 1]), 0.75)
  t.equal(rocAuc([0.5, 0.5, 0.9, 0.5], [1, 0, 1, 0]), 0.75)
  t.equal(rocAuc([0.3, 0.3, 0.3, 0.3], [0, 1, 1, 0]), 0.5, 'a constant score knows nothing')
})

t.test('AUC is null when only one class is there', async (t) => {
  t.equal(rocAuc([0.1, 0.9], [1, 1]), null)
  t.equal(rocAuc([], []), null)
})

t.test('Brier score and log loss match the hand computation', async (t) => {
  const p = [0.1, 0.9, 0.8]
  const y = [0, 1, 0]
  t.ok(Math.abs(brier(p, y) - (0.01 + 0.01 + 0.64) / 3) < 1e-15)
  t.ok(Math.abs(logLoss(p, y) - -(Math.log(0.9) + Math.log(0.9) + Math.log(0.2)) / 3) < 1e-15)
  t.ok(Number.isFinite(logLoss([0, 1], [1, 0])), 'certain and wrong is clipped, not infinite')
  t.match(metrics(p, y), { rows: 3, positives: 1, auc: 1 })
})

t.test('calibration puts each prediction in its tenth and reports what really happened there', async (t) => {
  const bins = calibration([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1])
  t.equal(bins.length, 10)
  t.match(bins[0], { from: 0, to: 0.1, rows: 1, meanPredicted: 0.05, observedRate: 0 })
  t.match(bins[1], { rows: 2, observedRate: 0.5 })
  t.ok(Math.abs((bins[1].meanPredicted ?? 0) - 0.135) < 1e-12)
  t.match(bins[9], { rows: 2, observedRate: 1 }, 'a probability of exactly 1 belongs to the last bin')
  t.match(bins[5], { rows: 0, meanPredicted: null, observedRate: null })
})

t.test('metrics by group cover each group that has rows, by name', async (t) => {
  const out = metricsByGroup([0.2, 0.8, 0.3, 0.6], [0, 1, 1, 0], [0, 0, 2, 2], ['FOODS', 'HOBBIES', 'HOUSEHOLD'])
  t.same(out.map((g) => [g.group, g.rows, g.auc]), [['FOODS', 2, 1], ['HOUSEHOLD', 2, 0]])
})
