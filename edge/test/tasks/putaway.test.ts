// Put-away against a real server on the sim clock, scoring with the rules: stock received at the
// dock becomes put-aways, what the shelf needs (to capacity, whole cases) straight to the shelf and
// ranked above the rest, which goes to the SKU's backroom bin with a dwell deadline. They are
// updated in place as receipts and counts arrive, cancelled with a reason when no longer needed,
// and completing one moves the stock once.

import t from 'tap'
import { onHandOf } from '../http/api.js'
import { act, handheld, myTasks, nowMs } from './helpers.js'
import { dockServer, tasksOf, type Dock } from './receiving-helpers.js'

let n = 0
async function post (dock: Dock, events: Array<Record<string, unknown>>): Promise<void> {
  const at = new Date(await nowMs(dock.server)).toISOString()
  await dock.post(events.map((e) => ({ id: `ev-${++n}`, occurredAt: at, data: {}, ...e })))
  await dock.server.risk.fastIdle()
}
const putaways = (dock: Dock, state = 'open'): Promise<Array<Record<string, any>>> => tasksOf(dock.server, `kind=putaway&state=${state}`)

t.test('what the shelf needs goes straight to the shelf, ranked above the backroom-bound rest', async (t) => {
  const dock = await dockServer(t)
  const start = await nowMs(dock.server)
  // Oat cereal's shelf is counted empty (capacity 24, cases of 12); 36 arrive at the dock.
  await post(dock, [{ type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 0 }])
  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 36 }])
  const list = await putaways(dock)
  t.equal(list.length, 2, 'two put-aways')
  const shelf = list.find((p) => p.location === 'A01-1')!
  const bin = list.find((p) => p.location === 'BR-01')!
  t.match(shelf, { sku: 'FOODS_1_001', fromLocation: 'RCV', qty: 24, deadline: null, why: { detector: 'putaway', to: 'shelf', shelf: { stock: 0, capacity: 24 } } }, 'the shelf gets what it needs, 2 cases')
  t.equal(shelf.laborMin, 2 + 2 * 1 + 24 * 3 / 60, '2 min + 1 min per carton + 3 s per unit')
  t.ok(shelf.why.risk > 0.5, 'an empty shelf is at risk')
  t.match(bin, { sku: 'FOODS_1_001', fromLocation: 'RCV', qty: 12, why: { to: 'backroom' } }, 'the rest to the bin the SKU already uses')
  t.equal(Date.parse(bin.deadline), start + 4 * 3_600_000, 'due receivingDwellMaxH (4 h) after the receipt')
  t.ok(shelf.value > bin.value, 'the shelf-bound put-away is worth more per minute')

  // Corn flakes (8 of 20 on the shelf, cases of 10) has no backroom bin yet: the rest goes to the first one.
  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_002', location: 'RCV', qty: 30 }])
  const flakes = (await putaways(dock)).filter((p) => p.sku === 'FOODS_1_002')
  t.same(flakes.map((p) => [p.location, p.qty]).sort(), [['A01-2', 20], ['BR-01', 10]], '12 of room rounds up to 2 cases of 10')

  const ann = await handheld(dock.server, 'hh-1', 'ann')
  const offered = (await myTasks(dock.server, ann)).body.tasks.filter((x) => x.kind === 'putaway')
  const firstBackroom = offered.findIndex((x) => list.concat(flakes).find((p) => p.id === x.id)?.why.to === 'backroom')
  const lastShelf = offered.map((x) => list.concat(flakes).find((p) => p.id === x.id)?.why.to).lastIndexOf('shelf')
  t.ok(lastShelf >= 0 && firstBackroom > lastShelf, 'the handheld lists every shelf-bound put-away before any backroom-bound one')

  // Completing the shelf put-away moves the 24 units from the dock onto the shelf, once.
  const done = await act(dock.server, ann, [
    { actionId: 'p1', taskId: shelf.id, action: 'claim' },
    { actionId: 'p2', taskId: shelf.id, action: 'complete' }
  ])
  t.same(done.body.results.map((r) => r.status), ['accepted', 'accepted'])
  await dock.server.risk.fastIdle()
  t.match(await onHandOf(dock.server, 'FOODS_1_001'), { 'A01-1': 24, RCV: 12 })
  const twice = await act(dock.server, ann, [{ actionId: 'p3', taskId: shelf.id, action: 'complete' }])
  t.match(twice.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT' } })
  const replay = await act(dock.server, ann, [{ actionId: 'p2', taskId: shelf.id, action: 'complete' }])
  t.equal(replay.body.results[0].status, 'duplicate')
  t.match(await onHandOf(dock.server, 'FOODS_1_001'), { 'A01-1': 24, RCV: 12 }, 'nothing moved twice')
  const after = (await putaways(dock)).filter((p) => p.sku === 'FOODS_1_001')
  t.same(after.map((p) => [p.id, p.location, p.qty]), [[bin.id, 'BR-01', 12]], 'the backroom-bound put-away is still there, unchanged')
})

t.test('put-aways are updated in place as stock arrives and cancelled with a reason when no longer needed', async (t) => {
  const dock = await dockServer(t)
  // The shelf holds 10 of 24: 12 received all go to the shelf (14 of room, rounded to 24, capped at 12).
  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 12 }])
  const [first, ...none] = await putaways(dock)
  t.equal(none.length, 0)
  t.match(first, { location: 'A01-1', qty: 12, fromLocation: 'RCV' })

  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 24 }])
  const two = await putaways(dock)
  const shelf = two.find((p) => p.location === 'A01-1')!
  t.match(shelf, { id: first.id, qty: 24 }, 'the same task, now two cases')
  t.ok(shelf.version > first.version, 'updated in place')
  t.match(two.find((p) => p.location === 'BR-01'), { qty: 12 }, 'and the rest to the bin')

  // The shelf is counted full: the shelf-bound put-away is cancelled, the bin takes all 36.
  await post(dock, [{ type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 24 }])
  const cancelled = await putaways(dock, 'cancelled')
  t.match(cancelled, [{ id: first.id, cancelReason: 'the shelf needs no more by the record' }])
  t.match(await putaways(dock), [{ location: 'BR-01', qty: 36 }])

  // The dock is counted empty: nothing left to put away.
  const binTask = (await putaways(dock))[0]
  await post(dock, [{ type: 'cycle_count', sku: 'FOODS_1_001', location: 'RCV', qty: 0 }])
  t.same(await putaways(dock), [], 'no open put-away left')
  t.match((await putaways(dock, 'cancelled')).find((p) => p.id === binTask.id), { cancelReason: 'receiving location empty for the SKU' })
})

t.test('a put-away completion with bad results is refused and moves nothing; one to another bin moves it there', async (t) => {
  const dock = await dockServer(t)
  await post(dock, [{ type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 24 }])
  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 12 }])
  const [task] = await putaways(dock)
  t.match(task, { location: 'BR-01', qty: 12, fromLocation: 'RCV' }, 'a full shelf: all to the bin')
  const ann = await handheld(dock.server, 'hh-1', 'ann')
  t.equal((await act(dock.server, ann, [{ actionId: 'c', taskId: task.id, action: 'claim' }])).body.results[0].status, 'accepted')

  const negative = await act(dock.server, ann, [{ actionId: 'x1', taskId: task.id, action: 'complete', result: { moved: -3 } }])
  t.equal(negative.status, 400)
  t.equal(negative.body.error.code, 'EDGE_ERR_VALIDATION', 'a negative quantity is refused by the schema')
  const bad = await act(dock.server, ann, [
    { actionId: 'x2', taskId: task.id, action: 'complete', result: { moved: 50, found: 20 } },
    { actionId: 'x3', taskId: task.id, action: 'complete', result: { to: 'NOWHERE' } },
    { actionId: 'x4', taskId: task.id, action: 'complete', result: { to: 'RCV' } }
  ])
  t.same(bad.body.results.map((r) => [r.status, r.error?.code]), [
    ['rejected', 'EDGE_ERR_BAD_QTY'],
    ['rejected', 'EDGE_ERR_UNKNOWN_LOCATION'],
    ['rejected', 'EDGE_ERR_BAD_EVENT']
  ], 'more than was found at the dock, an unknown destination, the dock itself')
  t.match(bad.body.results[0].error?.message, /found only 20 at RCV/)
  t.match(await onHandOf(dock.server, 'FOODS_1_001'), { RCV: 12, 'BR-01': 24 }, 'nothing moved')

  const ok = await act(dock.server, ann, [{ actionId: 'x5', taskId: task.id, action: 'complete', result: { moved: 12, to: 'BR-02' } }])
  t.equal(ok.body.results[0].status, 'accepted')
  await dock.server.risk.fastIdle()
  t.match(await onHandOf(dock.server, 'FOODS_1_001'), { RCV: 0, 'BR-01': 24, 'BR-02': 12 }, 'into the bin the associate used')
  t.match((await tasksOf(dock.server, `kind=putaway&state=done`))[0], { id: task.id, result: { moved: 12, to: 'BR-02', from: 'RCV' } })
  t.same(await putaways(dock), [], 'the dock is empty: no new put-away')
})

t.test('what the associate finds at the dock corrects its record: more than scanned moves, nothing found ends the put-aways', async (t) => {
  const dock = await dockServer(t)
  await post(dock, [{ type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 24 }])
  // The receipt was scanned 10 short: the carton holds 12.
  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 2 }])
  const [task] = await putaways(dock)
  t.match(task, { location: 'BR-01', qty: 2 })
  const ann = await handheld(dock.server, 'hh-1', 'ann')
  const more = await act(dock.server, ann, [
    { actionId: 'c1', taskId: task.id, action: 'claim' },
    { actionId: 'd1', taskId: task.id, action: 'complete', result: { moved: 12 } }
  ])
  t.equal(more.body.results[1].status, 'accepted', 'moving more than the record holds is what happened: accepted')
  await dock.server.risk.fastIdle()
  t.match(await onHandOf(dock.server, 'FOODS_1_001'), { RCV: 0, 'BR-01': 36 }, 'the dock counted at 12 first, then all 12 put away')
  t.match((await tasksOf(dock.server, 'kind=putaway&state=done'))[0], { result: { moved: 12, found: 12, dockRecord: 2 } })

  // Another receipt scanned twice: the record says 24 at the dock, one carton of 12 is there.
  await post(dock, [{ type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 24 }])
  const [second] = await putaways(dock)
  const half = await act(dock.server, ann, [
    { actionId: 'c2', taskId: second.id, action: 'claim' },
    { actionId: 'd2', taskId: second.id, action: 'complete', result: { moved: 12, found: 12 } }
  ])
  t.equal(half.body.results[1].status, 'accepted')
  await dock.server.risk.fastIdle()
  t.match(await onHandOf(dock.server, 'FOODS_1_001'), { RCV: 0, 'BR-01': 48 }, 'found 12 of the 24 recorded: the dock is empty by the record too')
  t.same(await putaways(dock), [], 'no put-away left chasing units that never were')
})
