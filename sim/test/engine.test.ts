import t from 'tap'
import { defaultM5File, loadM5 } from '../src/demand/m5.js'
import { NoDevices } from '../src/engine/devices.js'
import { runStore } from '../src/engine/run.js'
import { setUp, type SimOptions } from '../src/engine/setup.js'
import { SCENARIOS, TYPICAL_RATES, ZERO_RATES } from '../src/faults.js'
import { TraditionalPolicy } from '../src/policy/traditional.js'
import { StoreWorld } from '../src/world/store.js'

const data = loadM5(defaultM5File())
const base: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: 5, seed: 7, skus: 28, rates: TYPICAL_RATES, spikes: [], promotions: [] }

async function traditional (o: SimOptions, ample = false) {
  const setup = setUp(data, o)
  if (ample) for (const [i, s] of setup.layout.skus.entries()) setup.initial[i] = { shelf: s.shelfCapacity, backroom: s.casePack * 40 }
  const devices = new NoDevices([])
  const policy = new TraditionalPolicy(setup.layout, (s) => setup.initial[s.index].shelf + setup.initial[s.index].backroom, devices)
  return await runStore(o, { setup, policy, devices })
}

t.test('units are conserved through a run with every fault switched on', async (t) => {
  const r = await traditional({ ...base, rates: SCENARIOS.rough.rates, days: 10 })
  t.ok(r.conserved, 'start + delivered = sold + shrunk + in the store')
  t.ok(r.flows.shrunk > 0, 'shrink happened')
  t.ok(r.flows.delivered > 0, 'deliveries arrived')
  t.ok(r.kpis.exceptions > 0, 'faults were recorded as exceptions')
})

t.test('the same seed gives the same run, bit for bit; another seed does not', async (t) => {
  const a = await traditional(base)
  const b = await traditional(base)
  t.same(a.kpis, b.kpis)
  t.same(a.flows, b.flows)
  const c = await traditional({ ...base, seed: 8 })
  t.not(JSON.stringify(c.kpis), JSON.stringify(a.kpis))
})

t.test('a traditional store with no faults and an ample backroom keeps its shelves near 100% available', async (t) => {
  const r = await traditional({ ...base, rates: ZERO_RATES, days: 7 }, true)
  t.ok(r.kpis.osaPct >= 98, `OSA ${r.kpis.osaPct.toFixed(2)}%`)
  t.equal(r.kpis.exceptions, 0)
  t.equal(r.kpis.recordAccuracyPct, 100, 'nothing goes wrong, so the book stays right')
})

t.test('customers lose a sale only when the shelf is empty, whatever the backroom holds', async (t) => {
  // Every sale in a run goes through StoreWorld.sell: watch it.
  const sell = StoreWorld.prototype.sell
  let wrongLoss = 0
  let losses = 0
  StoreWorld.prototype.sell = function (this: StoreWorld, sku: string, qty: number) {
    const shelfBefore = this.state(sku).shelf
    const r = sell.call(this, sku, qty)
    if (r.lost > 0) { losses++; if (shelfBefore >= qty) wrongLoss++ }
    return r
  }
  t.teardown(() => { StoreWorld.prototype.sell = sell })
  const r = await traditional({ ...base, rates: SCENARIOS.rough.rates, days: 10 })
  t.ok(losses > 0 && r.kpis.lostSalesUnits > 0, 'the rough store does lose sales')
  t.equal(wrongLoss, 0, 'never with enough on the shelf')
})

t.test('a storm multiplies demand on its categories and days only', async (t) => {
  const calm = await traditional({ ...base, rates: ZERO_RATES }, true)
  const storm = await traditional({ ...base, rates: ZERO_RATES, spikes: [{ categories: ['FOODS'], fromDay: 1, toDay: 3, factor: 3 }] }, true)
  t.ok(storm.kpis.salesUnits + storm.kpis.lostSalesUnits > (calm.kpis.salesUnits + calm.kpis.lostSalesUnits) * 1.3)
})

t.test('a delivery\'s ASN has one line per item, however many orders of it arrive together', async (t) => {
  // Ordering every item every day with half the deliveries late: orders of the same item meet at the dock.
  const o = { ...base, rates: { ...ZERO_RATES, lateDeliveryPct: 50 }, days: 8 }
  const setup = setUp(data, o)
  const devices = new NoDevices([])
  const policy = new TraditionalPolicy(setup.layout, (s) => setup.initial[s.index].shelf + setup.initial[s.index].backroom, devices)
  policy.orders = async () => setup.layout.skus.map((s) => ({ sku: s.sku, cases: 1 }))
  const delivery = policy.delivery.bind(policy)
  let lines = 0
  let merged = 0
  const problems: string[] = []
  policy.delivery = (now, d, queue) => {
    const skus = d.asn.map((l) => l.sku)
    if (new Set(skus).size !== skus.length) problems.push(`${d.id}: an item listed twice`)
    for (const l of d.asn) {
      const cartons = d.cartons.filter((c) => c.sku === l.sku).length
      if (cartons !== l.cases) problems.push(`${d.id} ${l.sku}: ${l.cases} cases on the ASN, ${cartons} cartons`)
      lines++
      if (l.cases > 1) merged++
    }
    delivery(now, d, queue)
  }
  await runStore(o, { setup, policy, devices })
  t.same(problems, [])
  t.ok(lines > 0 && merged > 0, `${merged} of ${lines} lines carry more than one order`)
})
