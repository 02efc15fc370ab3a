// The arithmetic of a fill: the fullest backroom bin, case-rounded quantities capped by the bin,
// labor minutes and value per labor minute.

import t from 'tap'
import { fillQty, fillValue, laborMinutes, pickBin } from '../../src/decisions/fill/plan.js'

const backroom = (l: string): boolean => l.startsWith('BR-')

t.test('the bin with the most stock, summed over the backroom only', async (t) => {
  t.same(pickBin([{ location: 'A01-1', onHand: 50 }, { location: 'BR-01', onHand: 24 }, { location: 'BR-02', onHand: 30 }, { location: 'BR-03', onHand: -2 }], backroom),
    { bin: { location: 'BR-02', onHand: 30 }, total: 54 })
  t.equal(pickBin([{ location: 'A01-1', onHand: 50 }, { location: 'BR-01', onHand: 0 }], backroom), null, 'no backroom stock, no bin')
})

t.test('room on the shelf rounded up to whole cases, never more than the bin holds', async (t) => {
  t.equal(fillQty(24, 12, { onHand: 10, inTransit: 0 }, 100), 24, '14 of room -> 2 cases of 12')
  t.equal(fillQty(24, 12, { onHand: 10, inTransit: 4 }, 100), 12, 'in transit counts as on the shelf')
  t.equal(fillQty(24, 12, { onHand: -3, inTransit: 0 }, 100), 24, 'a negative record counts as empty')
  t.equal(fillQty(24, 12, { onHand: 0, inTransit: 0 }, 18), 18, 'capped by the bin')
  t.equal(fillQty(24, 12, { onHand: 24, inTransit: 0 }, 100), 0, 'full by the record')
  t.equal(fillQty(null, 6, { onHand: 3, inTransit: 0 }, 100), 6, 'unknown capacity: one case pack')
})

t.test('labor 3 min + 5 s per unit; value = score x price x units in 4 h / labor', async (t) => {
  t.equal(laborMinutes(24), 5)
  t.equal(fillValue(0.5, 2, 3, 5), 0.5 * 2 * 3 * 4 / 5)
  t.equal(fillValue(0.5, 2, 0, 5), 0.5 * 2 / 5, 'no rate of sale: score and price alone')
  t.equal(fillValue(0.5, null, 0, 5), 0.5 / 5, 'no price: risk alone')
})
