// The put-away arithmetic without a server: the shelf's share in whole cases, the labor, the rule
// risk when no score is at hand, the backroom value growing toward the dwell deadline, the bin.

import t from 'tap'
import { backroomValue, pickBinFor, putawayMinutes, ruleRisk, shelfShare } from '../../src/decisions/putaway/plan.js'

t.test('the shelf takes its room to capacity in whole cases, never more than the dock holds', async (t) => {
  t.equal(shelfShare(24, 12, { onHand: 0, inTransit: 0 }, 36), 24)
  t.equal(shelfShare(24, 12, { onHand: 10, inTransit: 0 }, 36), 24, '14 of room rounds up to 2 cases')
  t.equal(shelfShare(24, 12, { onHand: 10, inTransit: 0 }, 12), 12, 'capped by the dock')
  t.equal(shelfShare(24, 12, { onHand: 20, inTransit: 4 }, 36), 0, 'full counting what is on its way')
  t.equal(shelfShare(24, 12, { onHand: 30, inTransit: 0 }, 36), 0, 'over capacity')
  t.equal(shelfShare(null, 6, { onHand: 0, inTransit: 0 }, 36), 6, 'unknown capacity: one case to an empty shelf')
  t.equal(shelfShare(null, 6, { onHand: 3, inTransit: 0 }, 36), 0, 'and none to a stocked one')
})

t.test('labor: 2 min a trip, 1 min a carton, 3 s a unit', async (t) => {
  t.equal(putawayMinutes(24, 12), 2 + 2 + 1.2)
  t.equal(putawayMinutes(13, 12), 2 + 2 + 0.65, 'a started carton counts')
})

t.test('rule risk by cover when there is no score', async (t) => {
  t.equal(ruleRisk({ onHand: 0, inTransit: 0 }, 24, 2), 1, 'empty')
  t.equal(ruleRisk({ onHand: 4, inTransit: 0 }, 24, 2), 0.5, '2 h of cover of a 4 h horizon')
  t.equal(ruleRisk({ onHand: 24, inTransit: 0 }, 24, 2), 0, 'more than the horizon covered')
  t.equal(ruleRisk({ onHand: 6, inTransit: 0 }, 24, 0), 0.75, 'no rate: by how empty against capacity')
})

t.test('the backroom value is small and doubles by the dwell deadline', async (t) => {
  const fresh = backroomValue(3.49, 12, 3.6, 0, 4)
  t.equal(backroomValue(3.49, 12, 3.6, 4, 4), fresh * 2)
  t.equal(backroomValue(3.49, 12, 3.6, 40, 4), fresh * 2, 'capped at the deadline')
  t.ok(fresh < 3.49 * 12 / 3.6 / 10, 'a small share of the stock value per minute')
})

t.test('the bin: the fullest backroom position, else any it had, else the first backroom location', async (t) => {
  const backroom = (l: string): boolean => l.startsWith('BR')
  t.equal(pickBinFor([{ location: 'A01-1', onHand: 5 }, { location: 'BR-02', onHand: 3 }, { location: 'BR-01', onHand: 9 }], backroom, ['BR-01', 'BR-02']), 'BR-01')
  t.equal(pickBinFor([{ location: 'BR-02', onHand: 0 }], backroom, ['BR-01', 'BR-02']), 'BR-02')
  t.equal(pickBinFor([{ location: 'A01-1', onHand: 5 }], backroom, ['BR-01']), 'BR-01')
  t.equal(pickBinFor([], backroom, []), null)
})
