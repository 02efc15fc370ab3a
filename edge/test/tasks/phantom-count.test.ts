// Completing a count through the handheld: found (the task's location) or counts (several
// locations) become cycle_count events with ids from the task and the location, the journal writes
// the ERP-bound adjustment when the record changed, count_checks records the outcome; one live count
// per SKU-location (a short fill merges into it); bad input gets stable codes and applies nothing,
// and nothing applies twice.

import t from 'tap'
import { onHandOf } from '../http/api.js'
import { act, createTask, getTask, handheld } from './helpers.js'
import { adjustments, phantomServer, phantomView } from './phantom-helpers.js'

const COUNT = { kind: 'count', sku: 'FOODS_1_001', location: 'A01-1', value: 1, laborMin: 3 }

t.test('a count of the shelf and the bin: each replaces its record once, with an adjustment each', async (t) => {
  const h = await phantomServer(t)
  const ann = await handheld(h.server, 'hh-1', 'ann')
  const id = (await createTask(h.server, COUNT)).body.task.id
  const complete = { actionId: 'c2', taskId: id, action: 'complete', result: { counts: [{ location: 'A01-1', qty: 4 }, { location: 'BR-01', qty: 20 }] } }
  const res = await act(h.server, ann, [{ actionId: 'c1', taskId: id, action: 'claim' }, complete])
  t.match(res.body, { accepted: 2, rejected: 0 })
  t.same(await onHandOf(h.server, 'FOODS_1_001'), { 'A01-1': 4, 'BR-01': 20 })
  const task = (await getTask(h.server, id)).body
  t.match(task.result, { found: 4, delta: -10, absDelta: 10, discrepancy: true, counts: [{ location: 'A01-1', qty: 4, delta: -6 }, { location: 'BR-01', qty: 20, delta: -4 }] })
  t.same(task.result.events, [`task-${id}-count-A01-1`, `task-${id}-count-BR-01`])
  t.same(adjustments(h.server).map((a) => [a.payload.location, a.payload.delta]), [['A01-1', -6], ['BR-01', -4]], 'one ERP-bound adjustment per changed record')

  const replay = await act(h.server, ann, [complete])
  t.match(replay.body.results[0], { status: 'duplicate', first: { status: 'accepted' } })
  const twice = await act(h.server, ann, [{ ...complete, actionId: 'c3' }])
  t.match(twice.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT', details: { state: 'done', by: 'ann' } } })
  t.same(await onHandOf(h.server, 'FOODS_1_001'), { 'A01-1': 4, 'BR-01': 20 }, 'applied once')
  t.equal(adjustments(h.server).length, 2, 'no second adjustment')
  t.match((await phantomView(h.server)).precision.bySource.manual, { raised: 1, completed: 1, discrepancies: 1, share: 1, unitsCorrected: 10 })
})

t.test('a count that matches the record finds no discrepancy and tells the ERP nothing', async (t) => {
  const h = await phantomServer(t)
  const ann = await handheld(h.server, 'hh-1', 'ann')
  const id = (await createTask(h.server, COUNT)).body.task.id
  await act(h.server, ann, [{ actionId: 'm1', taskId: id, action: 'claim' }, { actionId: 'm2', taskId: id, action: 'complete', result: { found: 10 } }])
  t.match((await getTask(h.server, id)).body.result, { found: 10, delta: 0, discrepancy: false })
  t.same(adjustments(h.server), [])
  t.match((await phantomView(h.server)).precision, { completed: 1, discrepancies: 0, share: 0 })
})

t.test('one live count per SKU-location: a short fill of a bin with a live count merges into it', async (t) => {
  const h = await phantomServer(t)
  const ann = await handheld(h.server, 'hh-1', 'ann')
  const bin = await createTask(h.server, { ...COUNT, location: 'BR-01' })
  t.equal(bin.status, 201)
  const again = await createTask(h.server, { ...COUNT, location: 'BR-01', value: 2 })
  t.match(again.body, { created: false, task: { id: bin.body.task.id } }, 'a second count of the bin is the live one, updated')
  const fill = (await createTask(h.server, { kind: 'fill', sku: 'FOODS_1_001', location: 'A01-1', fromLocation: 'BR-01', qty: 12, value: 1, laborMin: 4 })).body.task
  const short = await act(h.server, ann, [{ actionId: 's1', taskId: fill.id, action: 'claim' }, { actionId: 's2', taskId: fill.id, action: 'complete', result: { moved: 5, found: 5 } }])
  t.same(short.body.results[1].raised, [bin.body.task.id], 'the short fill\'s count is the live one')
  const live = (await h.server.app.inject({ url: '/api/v1/tasks?kind=count&state=open' })).json().tasks
  t.equal(live.length, 1)
  t.match(live[0].why, { rule: 'short_fill', found: 5, asked: 12 })
})

t.test('bad input: stable codes, nothing applied', async (t) => {
  const h = await phantomServer(t)
  const ann = await handheld(h.server, 'hh-1', 'ann')
  const id = (await createTask(h.server, COUNT)).body.task.id
  t.equal((await act(h.server, ann, [{ actionId: 'b0', taskId: id, action: 'claim' }])).body.accepted, 1)

  const negative = await act(h.server, ann, [{ actionId: 'b1', taskId: id, action: 'complete', result: { found: -1 } }])
  t.equal(negative.status, 400)
  t.equal(negative.body.error.code, 'EDGE_ERR_VALIDATION', 'a negative count is refused by the schema')

  const unknown = await act(h.server, ann, [{ actionId: 'b2', taskId: id, action: 'complete', result: { counts: [{ location: 'A01-1', qty: 0 }, { location: 'NOWHERE', qty: 3 }] } }])
  t.match(unknown.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_UNKNOWN_LOCATION', details: { locations: ['NOWHERE'] } } })
  t.match(unknown.body.results[0].error?.message, /unknown location NOWHERE/)

  const both = await act(h.server, ann, [{ actionId: 'b3', taskId: id, action: 'complete', result: { found: 0, counts: [{ location: 'A01-1', qty: 0 }] } }])
  t.match(both.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_BAD_EVENT' } })
  const none = await act(h.server, ann, [{ actionId: 'b4', taskId: id, action: 'complete', result: {} }])
  t.match(none.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_BAD_EVENT' } })
  const dup = await act(h.server, ann, [{ actionId: 'b5', taskId: id, action: 'complete', result: { counts: [{ location: 'A01-1', qty: 0 }, { location: 'A01-1', qty: 2 }] } }])
  t.match(dup.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_BAD_EVENT' } })
  const absurd = await act(h.server, ann, [{ actionId: 'b6', taskId: id, action: 'complete', result: { found: 10_000_000 } }])
  t.match(absurd.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_BAD_QTY' } })

  t.same(await onHandOf(h.server, 'FOODS_1_001'), { 'A01-1': 10, 'BR-01': 24 }, 'no count applied, not even the known location of a refused one')
  t.same(adjustments(h.server), [])
  t.match((await getTask(h.server, id)).body, { state: 'claimed', assignee: 'ann' }, 'the task waits for a good count')
  const replay = await act(h.server, ann, [{ actionId: 'b2', taskId: id, action: 'complete', result: { found: 0 } }])
  t.match(replay.body.results[0], { status: 'duplicate', first: { status: 'rejected', error: { code: 'EDGE_ERR_UNKNOWN_LOCATION' } } }, 'a replayed refusal gets the same answer')
  const unknownTask = await act(h.server, ann, [{ actionId: 'b7', taskId: 999, action: 'complete', result: { found: 0 } }])
  t.match(unknownTask.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_TASK_UNKNOWN' } })

  const good = await act(h.server, ann, [{ actionId: 'b8', taskId: id, action: 'complete', result: { found: 7 } }])
  t.match(good.body.results[0], { status: 'accepted', task: { state: 'done' } })
  t.same(await onHandOf(h.server, 'FOODS_1_001'), { 'A01-1': 7, 'BR-01': 24 })
})

t.test('GET /api/v1/phantom: window and filters are checked', async (t) => {
  const h = await phantomServer(t)
  const bad = await h.server.app.inject({ url: '/api/v1/phantom?days=0' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.code, 'EDGE_ERR_VALIDATION')
  const extra = await h.server.app.inject({ url: '/api/v1/phantom?sku=x' })
  t.equal(extra.statusCode, 400)
  const fresh = await phantomView(h.server, '?days=1')
  t.match(fresh, { suspects: [], budget: { limit: 20, used: 0, left: 20 }, precision: { days: 1, completed: 0, share: null } })
})
