import t from 'tap'
import { Rng } from '../src/rng.js'
import { Supplier } from '../src/world/supply.js'

t.test('an order arrives after its lead time, on time when nothing is late', async (t) => {
  const s = new Supplier(new Rng(1), { lateRate: 0, maxLateDays: 3 })
  const o = s.order('A', 2, 10, 2)
  t.match(o, { dueDay: 12, late: false })
  t.equal(s.onOrder('A'), 2)
  t.same(s.arrivals(11), [])
  t.same(s.arrivals(12).map((x) => x.id), [o.id])
  t.equal(s.onOrder('A'), 0)
  t.same(s.arrivals(12), [], 'an arrival is handed out once')
})

t.test('late deliveries come 1 to maxLateDays days after the lead time, at the rate set', async (t) => {
  const s = new Supplier(new Rng(2), { lateRate: 0.3, maxLateDays: 3 })
  const orders = Array.from({ length: 2000 }, () => s.order('A', 1, 0, 1))
  const late = orders.filter((o) => o.late)
  t.ok(Math.abs(late.length / orders.length - 0.3) < 0.04, `${late.length} of 2,000 late`)
  t.ok(late.every((o) => o.dueDay >= 2 && o.dueDay <= 4))
  t.ok(orders.filter((o) => !o.late).every((o) => o.dueDay === 1))
})

t.test('nothing arrives the day it is ordered, and bad orders are refused', async (t) => {
  const s = new Supplier(new Rng(3), { lateRate: 0, maxLateDays: 1 })
  t.equal(s.order('A', 1, 5, 0).dueDay, 6)
  t.throws(() => s.order('A', 0, 5, 1), /order of 0 cases/)
  t.throws(() => new Supplier(new Rng(3), { lateRate: 2, maxLateDays: 1 }), /lateRate 2/)
})

t.test('the same seed schedules the same deliveries', async (t) => {
  const run = (): number[] => {
    const s = new Supplier(new Rng(9), { lateRate: 0.5, maxLateDays: 4 })
    return Array.from({ length: 50 }, (_, i) => s.order('A', 1, i, 2).dueDay)
  }
  t.same(run(), run())
})
