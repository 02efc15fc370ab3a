// The order-up-to arithmetic, min-max beside it, the supplier's order days, and which proposals a
// manager must see: each rule on numbers small enough to check by hand.

import t from 'tap'
import { cycleNeed, deviationPct, reviewReasons, usualOrder } from '../../src/decisions/orders/govern.js'
import { minMax } from '../../src/decisions/orders/min-max.js'
import { normalQuantile } from '../../src/decisions/orders/normal.js'
import { isOrderDay, reviewDays, weekdayOf } from '../../src/decisions/orders/order-days.js'
import { orderUpTo, type OrderUpToInput } from '../../src/decisions/orders/order-up-to.js'
import type { OrderPolicy } from '../../src/decisions/orders/ports.js'

const BASE: OrderUpToInput = {
  daily: [10, 10, 10, 10, 10, 10, 10],
  restOfToday: 0,
  sigmaDay: 0,
  leadTimeDays: 2,
  leadTimeStdDays: 0,
  reviewDays: 1,
  serviceLevel: 0.95,
  onHand: 12,
  phantomUnits: 0,
  pipeline: 0,
  casePack: 6,
  minOrderUnits: null,
  capacity: null
}

t.test('covers lead time plus review period, less what is on hand and on its way, in whole cases', async (t) => {
  const r = orderUpTo(BASE)
  t.equal(r.reasoning.protectionDays, 3)
  t.equal(r.reasoning.demandOverProtection, 30)
  t.equal(r.reasoning.need, 18)
  t.equal(r.qty, 18)
  t.equal(r.cases, 3)
  t.equal(orderUpTo({ ...BASE, pipeline: 12 }).qty, 6, 'what is on order counts')
  t.equal(orderUpTo({ ...BASE, onHand: 40 }).qty, 0, 'nothing when the position covers the period')
  t.equal(orderUpTo({ ...BASE, restOfToday: 4 }).qty, 24, "the rest of today's demand comes first: 22 needed, 4 cases")
})

t.test('safety stock grows with the error, the service level and the square root of the period', async (t) => {
  const a = orderUpTo({ ...BASE, sigmaDay: 4 })
  t.equal(a.reasoning.z, 1.64)
  t.equal(a.reasoning.safetyStock, Math.round(1.6448536 * 4 * Math.sqrt(3) * 100) / 100)
  t.ok(orderUpTo({ ...BASE, sigmaDay: 4, serviceLevel: 0.99 }).reasoning.safetyStock > a.reasoning.safetyStock)
  // Late deliveries: half a day of lead-time spread at 10 units a day adds 5 units of spread.
  t.equal(orderUpTo({ ...BASE, sigmaDay: 4, leadTimeStdDays: 0.5 }).reasoning.safetyStock, Math.round(1.6448536 * Math.sqrt(3 * 16 + 25) * 100) / 100)
  t.equal(orderUpTo({ ...BASE, sigmaDay: 4, reviewDays: 7 }).reasoning.safetyStock, Math.round(1.6448536 * 4 * 3 * 100) / 100, 'a weekly order day: 9 days of protection')
})

t.test('the phantom estimate takes units off the record before the need is set', async (t) => {
  const r = orderUpTo({ ...BASE, onHand: 30, phantomUnits: 12 })
  t.equal(r.reasoning.position, 18)
  t.equal(r.qty, 12)
})

t.test("the supplier's minimum raises an order, and the room there is caps it", async (t) => {
  t.equal(orderUpTo({ ...BASE, minOrderUnits: 30 }).qty, 30, '18 needed, minimum 30 = 5 cases')
  const capped = orderUpTo({ ...BASE, capacity: 20 })
  // On arrival (2 days): 12 - 20 sold -> 0 left, so 20 units of room: 3 cases of 6 = 18 fit.
  t.equal(capped.qty, 18)
  const noRoom = orderUpTo({ ...BASE, onHand: 10, daily: [5, 5, 5, 5], capacity: 10, minOrderUnits: 12 })
  // 5 needed -> 1 case, raised to the minimum of 12 (2 cases); on arrival 0 left and room for 10: 1 case fits, under the minimum.
  t.equal(noRoom.reasoning.room, 10)
  t.equal(noRoom.qty, 0, 'the minimum does not fit: nothing')
  t.match(noRoom.reasoning.steps.join(' '), /minimum/)
})

t.test('the standard normal quantile', async (t) => {
  t.ok(Math.abs(normalQuantile(0.5)) < 1e-9)
  t.ok(Math.abs(normalQuantile(0.95) - 1.6448536) < 1e-6)
  t.ok(Math.abs(normalQuantile(0.999) - 3.0902323) < 1e-6)
  t.ok(Math.abs(normalQuantile(0.01) + 2.3263479) < 1e-6)
  t.throws(() => normalQuantile(1), RangeError)
})

t.test('order days: today or not, and days until the next one', async (t) => {
  t.equal(weekdayOf('2016-03-01'), 'tue')
  t.ok(isOrderDay('2016-03-01', null))
  t.ok(isOrderDay('2016-03-01', ['tue', 'fri']))
  t.notOk(isOrderDay('2016-03-02', ['tue', 'fri']))
  t.equal(reviewDays('2016-03-01', ['tue', 'fri']), 3)
  t.equal(reviewDays('2016-03-04', ['tue', 'fri']), 4)
  t.equal(reviewDays('2016-03-01', ['tue']), 7)
  t.equal(reviewDays('2016-03-01', null), 1)
})

t.test('static min-max: levels from the average, whole cases up to the max once at the min', async (t) => {
  const m = minMax({ meanDaily: 3, leadTimeDays: 2, casePack: 6, facings: 2, position: 12 })
  t.same(m, { min: 12, max: 33, qty: 24 })
  t.equal(minMax({ meanDaily: 3, leadTimeDays: 2, casePack: 6, facings: 2, position: 13 }).qty, 0)
})

const POLICY: OrderPolicy = {
  policyId: 'defaults',
  version: 1,
  serviceLevel: 0.95,
  proposalTtlHours: 20,
  autoApprove: { minConfidence: 0.6, maxValue: 400, maxDeviationPct: 40 },
  fallback: { salesStaleHours: 6, countStaleDays: 60 }
}

t.test('a manager sees what is unsure, costly, unusual or built on stale inputs; the rest goes through', async (t) => {
  t.same(reviewReasons({ qty: 24, value: 50, confidence: 0.8, deviationPct: 10, stale: [] }, POLICY), [])
  const all = reviewReasons({ qty: 240, value: 500, confidence: 0.3, deviationPct: 300, stale: ['no sales data for 8 open hours'] }, POLICY)
  t.equal(all.length, 4)
  t.match(all[0], /^fallback to min-max: no sales data/)
  t.match(all.join('|'), /confidence 0.30 is below 0.6/)
  t.match(all.join('|'), /value 500.00 is over 400/)
  t.match(all.join('|'), /300% away from the usual order/)
  t.match(reviewReasons({ qty: 24, value: null, confidence: 0.8, deviationPct: 0, stale: [] }, POLICY)[0], /value is unknown/)
  t.equal(usualOrder([12, 24, 36, 24], 60), 24, 'the median of the last approved orders')
  t.equal(usualOrder([12, 24], 60), 60, 'the need of a cycle until there are three')
  t.equal(cycleNeed(13.7, 1, 12), 12, 'a day of 13.7 units: one case')
  t.equal(cycleNeed(0.2, 1, 12), 12, 'never less than a case')
  t.equal(cycleNeed(13.7, 7, 12), 96)
  t.equal(deviationPct(24, 12, 12), 0, 'one case more is rounding')
  t.equal(deviationPct(48, 24, 6), 75, '24 more, less a case of 6, over 24')
  t.equal(deviationPct(36, 0, 6), null)
})
