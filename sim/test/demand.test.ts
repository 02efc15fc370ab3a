import t from 'tap'
import { Rng } from '../src/rng.js'
import { defaultM5File, loadM5, parseM5, storeDay } from '../src/demand/m5.js'
import { dayOfWeek, hourWeights, spreadDay } from '../src/demand/intraday.js'
import { buildAssortment, unitsOn } from '../src/demand/assortment.js'

const M5_FILE = defaultM5File()

t.test('the same seed gives the same numbers; named streams are independent', async (t) => {
  const a = new Rng(7)
  const b = new Rng(7)
  const seqA = Array.from({ length: 1000 }, () => a.nextUint32())
  t.same(seqA, Array.from({ length: 1000 }, () => b.nextUint32()))
  const c = new Rng(8)
  t.notSame(seqA.slice(0, 10), Array.from({ length: 10 }, () => c.nextUint32()), 'another seed, another sequence')
  const demand1 = new Rng(7).stream('demand')
  const demand2 = new Rng(7).stream('demand')
  t.equal(demand1.next(), demand2.next())
  t.not(new Rng(7, 'shrink').next(), new Rng(7, 'demand').next())
})

t.test('the generator is uniform enough and its Poisson has the right mean', async (t) => {
  const r = new Rng(1)
  const buckets = new Array(10).fill(0)
  for (let i = 0; i < 100000; i++) buckets[Math.floor(r.next() * 10)]++
  for (const b of buckets) t.ok(Math.abs(b - 10000) < 500, `bucket ${b} near 10,000`)
  let sum = 0
  for (let i = 0; i < 20000; i++) sum += r.poisson(3.5)
  t.ok(Math.abs(sum / 20000 - 3.5) < 0.1, `mean ${sum / 20000}`)
})

t.test('the real M5 subset loads: 28 items in 8 stores over 1,913 days', async (t) => {
  const data = loadM5(M5_FILE)
  t.equal(data.stores.length, 8)
  t.equal(data.items.length, 28)
  t.equal(data.series.size, 28 * 8)
  const s = data.series.get('CA_1/FOODS_3_586')!
  t.equal(s.startDate, '2011-01-29')
  t.equal(s.units.length, 1913)
  t.ok(s.units.reduce((a, b) => a + b, 0) > 0)
  t.equal(storeDay(data, 'CA_1', '2016-04-24').filter((x) => x.day === 1912).length, 28)
})

t.test('a malformed M5 file is refused with the line', async (t) => {
  t.throws(() => parseM5('a,b\n'), { name: 'M5FormatError', message: /header/ })
  const header = 'store_id,item_id,dept_id,cat_id,date,units,sell_price,snap,event_name_1,event_type_1\n'
  t.throws(() => parseM5(header + '"CA_1","X","D","C","2011-01-29",-1,,0,"",""\n'), /line 2: units "-1"/)
  t.throws(() => parseM5(header + '"CA_1","X","D","C","2011-01-29",1,,0,"",""\n"CA_1","X","D","C","2011-02-02",1,,0,"",""\n'), /skips/)
})

t.test('a day is spread over opening hours and keeps every unit', async (t) => {
  const rng = new Rng(3)
  for (const units of [0, 1, 7, 250]) {
    const p = spreadDay(units, dayOfWeek('2016-04-20'), rng)
    t.equal(p.reduce((s, x) => s + x.qty, 0), units, `${units} units in, ${units} out`)
    t.ok(p.every((x) => x.minute >= 7 * 60 && x.minute < 22 * 60), 'only while open')
    t.same(p.map((x) => x.minute), [...p.map((x) => x.minute)].sort((a, b) => a - b), 'in time order')
  }
  t.equal(hourWeights(0)[3], 0, 'nothing at 3 am')
  t.ok(hourWeights(6)[12] > hourWeights(6)[8], 'weekends peak around midday')
  t.same(spreadDay(40, 2, new Rng(9)), spreadDay(40, 2, new Rng(9)), 'deterministic under a seed')
})

t.test('an assortment scales to thousands of SKUs, deterministically, keeping the real ones first', async (t) => {
  const data = loadM5(M5_FILE)
  const a = buildAssortment(data, 'TX_1', 5000, new Rng(11))
  t.equal(a.length, 5000)
  t.equal(new Set(a.map((s) => s.sku)).size, 5000, 'unique SKUs')
  t.same(a.slice(0, 28).map((s) => s.scale), new Array(28).fill(1), 'the store\'s own 28 items are unscaled')
  const b = buildAssortment(data, 'TX_1', 5000, new Rng(11))
  t.same(a.map((s) => [s.sku, s.scale, s.offset]), b.map((s) => [s.sku, s.scale, s.offset]))
  // Stochastic rounding keeps the mean: 10,000 draws of a 2.4-unit day average 2.4.
  const s = { ...a[100], base: { ...a[100].base, units: Uint16Array.from([2]) }, scale: 1.2, offset: 0 }
  const rng = new Rng(5)
  let sum = 0
  for (let i = 0; i < 10000; i++) sum += unitsOn(s, 0, rng)
  t.ok(Math.abs(sum / 10000 - 2.4) < 0.05, `mean ${sum / 10000}`)
  t.throws(() => buildAssortment(data, 'NY_9', 10, new Rng(1)), /NY_9 is not in the data/)
})
