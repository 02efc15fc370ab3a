// The phantom-inventory estimate, without a server: silence that the rate of sale makes unlikely
// raises the probability the record is wrong, a gap detection or an empty shelf check raises it
// further, nothing can be missing from a record of zero, and the expected lost sales rank.

import t from 'tap'
import { estimate, expectedLostSales, noSaleIfRight, PRIOR, type Evidence } from '../../src/decisions/phantom/estimate.js'

const quiet: Evidence = { onHand: 10, expectedSales: 0, silentH: 0, looks: [], shortFills: [] }
const gap = (n: number): Evidence['looks'][number] => ({ kind: 'gap', eventId: `cam-${n}`, at: `2026-01-01T0${n}:00:00.000Z` })

t.test('no evidence leaves the prior', async (t) => {
  const e = estimate(quiet)
  t.ok(Math.abs(e.probability - PRIOR) < 1e-12, 'the prior')
  t.same(e.pieces, [])
})

t.test('no sales where many were expected makes a phantom likely; few expected say little', async (t) => {
  const few = estimate({ ...quiet, expectedSales: 0.3, silentH: 1 })
  const some = estimate({ ...quiet, expectedSales: 8, silentH: 6 })
  const many = estimate({ ...quiet, expectedSales: 60, silentH: 30 })
  t.ok(few.probability < 0.05, `0.3 expected sales unseen: ${few.probability.toFixed(3)}`)
  // Demand is overdispersed: 8 unseen sales of an intermittent item are not yet a phantom.
  t.ok(some.probability > 0.2 && some.probability < 0.35, `8 expected sales unseen: ${some.probability.toFixed(3)}`)
  t.ok(many.probability > 0.5, `60 expected sales unseen: ${many.probability.toFixed(3)}`)
  t.match(some.pieces, [{ evidence: 'no_sales', expectedSales: 8, silentH: 6 }])
  t.ok(many.pieces[0].lr > 40 && many.pieces[0].lr <= 50, 'the LR saturates below 1 / DEMAND_STOP = 50')
  t.ok(noSaleIfRight(5) > 0.12 && noSaleIfRight(5) < 0.14, 'negative binomial, not Poisson: 5 expected sales unseen happen 13% of the time (Poisson: 0.7%)')
  t.equal(noSaleIfRight(0), 1, 'nothing expected: silence is as likely either way')
  t.ok(estimate({ ...quiet, expectedSales: 1e6 }).probability < 0.61, 'a wrong rate alone cannot make a certainty')
})

t.test('a sale clears it: the silence starts again, and the estimate is back at the prior', async (t) => {
  // The detector counts silence from the last sale: right after one, nothing was expected and missed.
  const before = estimate({ ...quiet, expectedSales: 60, silentH: 30 })
  const after = estimate({ ...quiet, expectedSales: 0, silentH: 0 })
  t.ok(before.probability > 0.5)
  t.ok(Math.abs(after.probability - PRIOR) < 1e-12)
})

t.test('a gap detection raises it; a second one less; an empty shelf check more', async (t) => {
  const base = estimate({ ...quiet, expectedSales: 12, silentH: 8 })
  const one = estimate({ ...quiet, expectedSales: 12, silentH: 8, looks: [gap(1)] })
  const two = estimate({ ...quiet, expectedSales: 12, silentH: 8, looks: [gap(1), gap(2)] })
  t.ok(one.probability > base.probability, `${base.probability.toFixed(3)} -> ${one.probability.toFixed(3)}`)
  t.ok(one.probability > 0.5, `silence and a gap together: likely (${one.probability.toFixed(3)})`)
  t.ok(two.probability > one.probability)
  t.match(one.pieces, [{ evidence: 'no_sales' }, { evidence: 'gap_detected', eventId: 'cam-1', lr: 3 }])
  t.match(two.pieces[2], { evidence: 'gap_detected', eventId: 'cam-2', lr: 1.5 }, 'the second detection shares the camera\'s blind spots')
  t.ok(estimate({ ...quiet, looks: [1, 2, 3, 4].map(gap) }).probability < 0.5, 'gaps alone on a slow item are not enough: cameras flag stocked facings too')
  const check = estimate({ ...quiet, looks: [{ kind: 'empty_check', eventId: 'hh-1', at: '2026-01-01T00:00:00.000Z' }] })
  t.ok(check.probability > estimate({ ...quiet, looks: [gap(1)] }).probability, 'a person saying empty weighs more than a camera')
  const many = estimate({ ...quiet, looks: [1, 2, 3, 4, 5, 6].map(gap) })
  t.equal(many.pieces.length, 4, 'at most MAX_EACH detections count')
})

t.test('a short fill from the bin raises it', async (t) => {
  const e = estimate({ ...quiet, shortFills: [{ taskId: 7, found: 2, asked: 12, at: '2026-01-01T00:00:00.000Z' }] })
  t.match(e.pieces, [{ evidence: 'short_fill', taskId: 7, found: 2, asked: 12, lr: 8 }])
  t.ok(e.probability > 0.15 && e.probability < 0.3, `${e.probability.toFixed(3)}`)
})

t.test('a record of zero or less cannot overstate the shelf', async (t) => {
  for (const onHand of [0, -3]) {
    const e = estimate({ onHand, expectedSales: 50, silentH: 48, looks: [gap(1)], shortFills: [] })
    t.equal(e.probability, 0, `record ${onHand}`)
    t.same(e.pieces, [])
  }
})

t.test('expected lost sales: probability x rate x price x hours until found', async (t) => {
  t.equal(expectedLostSales(0.5, 2, 3, 24), 72)
  t.equal(expectedLostSales(0.5, -1, 3, 24), 0, 'no negative rates')
})
