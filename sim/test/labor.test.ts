import t from 'tap'
import { Dock } from '../src/world/dock.js'
import { crewFor, minutesFor, WorkQueue, type Work } from '../src/world/labor.js'

const work = (kind: Work['kind'], priority: number, extra: Partial<Work> = {}): Omit<Work, 'id'> =>
  ({ kind, priority, createdAt: 0, reason: 'test', sku: 'A', ...extra })

t.test('associates take the most urgent work their role does, first come first served on ties', async (t) => {
  const q = new WorkQueue()
  q.push(work('fill', 1, { sku: 'A' }))
  q.push(work('fill', 5, { sku: 'B' }))
  q.push(work('fill', 5, { sku: 'C' }))
  q.push(work('putaway', 9, { sku: 'D' }))
  t.equal(q.take('floor')?.work.sku, 'B')
  t.equal(q.take('floor')?.work.sku, 'C')
  t.equal(q.take('backroom')?.work.sku, 'D', 'put-away is backroom work')
  t.equal(q.take('floor')?.work.sku, 'A')
  t.equal(q.take('floor'), undefined, 'nothing queued: nobody works')
})

t.test('one piece of work per key until it is done', async (t) => {
  const q = new WorkQueue()
  const first = q.push(work('fill', 1, { key: 'fill:A' }))
  t.ok(first)
  t.equal(q.push(work('fill', 3, { key: 'fill:A' })), null)
  const taken = q.take('floor')!.work
  t.equal(q.push(work('fill', 3, { key: 'fill:A' })), null, 'still in hand')
  q.release(taken)
  t.ok(q.push(work('fill', 3, { key: 'fill:A' })))
})

t.test('an associate works their own zones first and helps elsewhere only when those are clear', async (t) => {
  const q = new WorkQueue()
  q.push(work('fill', 9, { sku: 'far' }))
  q.push(work('fill', 1, { sku: 'mine' }))
  const mine = (w: Work): boolean => w.sku === 'mine'
  t.same(q.take('floor', mine)?.work.sku, 'mine')
  const next = q.take('floor', mine)
  t.equal(next?.work.sku, 'far')
  t.equal(next?.away, true)
})

t.test('the crew grows with the store and shares its zones out', async (t) => {
  const small = crewFor(28, ['FOODS_1', 'FOODS_2', 'HOBBIES_1'])
  t.same(small.map((a) => a.id), ['assoc-br-1', 'assoc-am-1', 'assoc-pm-1'])
  t.same(small[1].zones, ['FOODS_1', 'FOODS_2', 'HOBBIES_1'])
  const big = crewFor(5000, ['Z1', 'Z2', 'Z3', 'Z4', 'Z5', 'Z6', 'Z7'])
  const am = big.filter((a) => a.id.startsWith('assoc-am'))
  t.equal(am.length, 7)
  t.same(am.flatMap((a) => a.zones).sort(), ['Z1', 'Z2', 'Z3', 'Z4', 'Z5', 'Z6', 'Z7'], 'every zone has its associate')
  t.equal(big.filter((a) => a.role === 'backroom').length, 2)
})

t.test('work takes walking plus handling time', async (t) => {
  t.equal(minutesFor('fill', { units: 12 }), 3 + 1, 'a trip and 5 s a unit')
  t.equal(minutesFor('walk', { skus: 30, units: 0 }), 4, 'looking at 30 SKUs, nothing to fill: no trip to the backroom')
  t.ok(minutesFor('receive', { cases: 30 }) > minutesFor('receive', { cases: 3 }))
})

t.test('cartons wait at the dock until taken, once', async (t) => {
  const d = new Dock()
  d.arrive({ id: 'D1', arrivedAt: 0, asn: [{ sku: 'A', cases: 2, units: 24 }], cartons: [{ id: 'C1', sku: 'A', units: 12, arrivedAt: 0 }, { id: 'C2', sku: 'A', units: 12, arrivedAt: 0 }] })
  t.equal(d.waiting, 2)
  t.equal(d.take('C1')?.units, 12)
  t.equal(d.take('C1'), undefined)
  t.equal(d.waiting, 1)
})

t.test('a put-away by item takes that item\'s oldest cartons until the units asked for are covered', async (t) => {
  const dock = new Dock()
  dock.arrive({ id: 'D1', arrivedAt: 0, asn: [], cartons: [{ id: 'C2', sku: 'A', units: 12, arrivedAt: 2 }, { id: 'C1', sku: 'A', units: 12, arrivedAt: 1 }, { id: 'C3', sku: 'B', units: 6, arrivedAt: 0 }, { id: 'C4', sku: 'A', units: 12, arrivedAt: 3 }] })
  t.same(dock.takeOf('A', 13).map((c) => c.id), ['C1', 'C2'])
  t.equal(dock.countOf('A'), 1)
  t.same(dock.takeOf('A', 0).map((c) => c.id), ['C4'], 'at least one carton')
  t.same(dock.takeOf('A', 5), [], 'none left')
  t.equal(dock.waiting, 1)
})

t.test('waiting work the server no longer lists leaves the queue and its key frees', async (t) => {
  const q = new WorkQueue()
  q.push(work('fill', 1, { key: 'task:1', ref: 'task:1' }))
  q.push(work('fill', 2, { key: 'task:2', ref: 'task:2' }))
  q.find('task:1')!.priority = 9
  t.equal(q.remove((w) => w.ref === 'task:2'), 1)
  t.notOk(q.holds('task:2'))
  t.equal(q.take('floor')?.work.priority, 9)
  t.equal(q.size, 0)
})
