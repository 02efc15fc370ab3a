import t from 'tap'
import { Rng } from '../src/rng.js'
import { StoreWorld, type SkuSpec } from '../src/world/store.js'

const spec = (sku: string): SkuSpec => ({ sku, shelfCapacity: 24, facings: 3, casePack: 12, unitPrice: 2.5 })

t.test('a customer finding the shelf empty buys nothing, even with a full backroom', async (t) => {
  const w = new StoreWorld([spec('A')], () => ({ shelf: 2, backroom: 48 }))
  t.same(w.sell('A', 3), { sold: 2, lost: 1 })
  t.same(w.sell('A', 1), { sold: 0, lost: 1 })
  t.equal(w.flows.lostSales, 2)
  t.equal(w.flows.lostRevenue, 5)
  t.equal(w.state('A').backroom, 48)
})

t.test('stock moves receiving -> backroom -> shelf within capacity', async (t) => {
  const w = new StoreWorld([spec('A')], () => ({ shelf: 20, backroom: 0 }))
  t.equal(w.deliver('A', 2), 24)
  t.equal(w.putAway('A', 30), 24, 'only what is waiting')
  t.equal(w.fill('A', 10), 4, 'the shelf holds 24')
  t.match(w.state('A'), { shelf: 24, backroom: 20, receiving: 0 })
})

t.test('units are conserved through a long random day of every operation', async (t) => {
  const rng = new Rng(42)
  const skus = ['A', 'B', 'C', 'D'].map(spec)
  const w = new StoreWorld(skus, () => ({ shelf: 10, backroom: 30 }))
  for (let i = 0; i < 20000; i++) {
    const sku = skus[rng.int(skus.length)].sku
    const op = rng.int(7)
    if (op === 0) w.sell(sku, 1 + rng.int(3))
    else if (op === 1) w.shrink(sku, rng.int(2))
    else if (op === 2) w.deliver(sku, rng.int(2))
    else if (op === 3) w.putAway(sku, rng.int(30), rng.int(3))
    else if (op === 4) w.deliverUnits(sku, rng.int(13))
    else if (op === 5 && rng.chance(0.1)) w.findMisplaced(sku)
    else w.fill(sku, rng.int(30))
    if (i % 1000 === 0) t.ok(w.conserved(), `conserved at step ${i}`)
  }
  t.ok(w.conserved())
  for (const s of w.list()) t.ok(s.shelf >= 0 && s.backroom >= 0 && s.receiving >= 0 && s.shelf <= s.spec.shelfCapacity)
})

t.test('misplaced stock is in the store but out of reach until a thorough count finds it', async (t) => {
  const w = new StoreWorld([spec('A')], () => ({ shelf: 0, backroom: 0 }))
  w.deliver('A', 2)
  t.equal(w.putAway('A', 24, 12), 24)
  t.match(w.state('A'), { backroom: 12, misplaced: 12 })
  t.equal(w.fill('A', 24), 12, 'only the units where the record says can be fetched')
  t.equal(w.findMisplaced('A'), 12)
  t.equal(w.fill('A', 24), 12)
  t.ok(w.conserved())
})

t.test('bad starting stock and unknown SKUs are refused', async (t) => {
  t.throws(() => new StoreWorld([spec('A')], () => ({ shelf: 25, backroom: 0 })), /A: initial stock out of range/)
  const w = new StoreWorld([spec('A')], () => ({ shelf: 1, backroom: 0 }))
  t.throws(() => w.sell('Z', 1), /unknown SKU Z/)
})

t.test('a carton sent straight to the shelf fills it; what does not fit goes to the backroom', async (t) => {
  const w = new StoreWorld([spec('A')], () => ({ shelf: 20, backroom: 0 }))
  w.deliver('A', 1)
  t.same(w.shelve('A', 12), { shelf: 4, backroom: 8 })
  t.same({ shelf: w.state('A').shelf, backroom: w.state('A').backroom, receiving: w.state('A').receiving }, { shelf: 24, backroom: 8, receiving: 0 })
  t.ok(w.conserved())
})
