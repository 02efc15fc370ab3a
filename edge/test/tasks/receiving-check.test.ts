// The close's rule without a server: short, over and wrong items per SKU, and the review's value.

import t from 'tap'
import { discrepanciesOf, reviewValue } from '../../src/decisions/receiving/check.js'

t.test('expected against received per SKU', async (t) => {
  const found = discrepanciesOf(
    [{ sku: 'A', qty: 24, cases: 2 }, { sku: 'B', qty: 10, cases: null }, { sku: 'C', qty: 6, cases: null }, { sku: 'D', qty: 5, cases: null }],
    [
      { sku: 'A', qty: 12, events: ['d/1'], locations: ['RCV'] },
      { sku: 'B', qty: 10, events: ['d/2'], locations: ['RCV'] },
      { sku: 'C', qty: 8, events: ['d/3', 'd/4'], locations: ['RCV', 'RCV-2'] },
      { sku: 'E', qty: 3, events: ['d/5'], locations: ['RCV'] }
    ])
  t.same(found.map((f) => [f.sku, f.kind, f.expected, f.received, f.diff]), [
    ['A', 'short', 24, 12, 12],
    ['C', 'over', 6, 8, 2],
    ['D', 'short', 5, 0, 5],
    ['E', 'wrong_item', 0, 3, 3]
  ], 'B matched; D never came; E was not on the ASN')
  t.same(found.find((f) => f.sku === 'C')?.events, ['d/3', 'd/4'])
  t.same(found.find((f) => f.sku === 'D')?.events, [], 'nothing received: no lineage')
})

t.test('a review is worth the money at stake per labor minute', async (t) => {
  t.equal(reviewValue(3.49, 12), 3.49 * 12 / 5)
  t.equal(reviewValue(null, 4), 4 / 5, 'unknown price counts as 1')
})
