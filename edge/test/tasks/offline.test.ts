// Offline work sent later, bad input, and claims left alone: each action applies once, in the
// order the work was done; bad numbers and unknown tasks or items get stable codes.

import t from 'tap'
import { onHandOf } from '../http/api.js'
import { act, advance, before, createTask, createTaskId, FILL, getTask, handheld, myTasks, nowMs, startTaskServer } from './helpers.js'

t.test('a replayed offline batch sent out of order is applied in the order done, once', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const made = await createTask(server, FILL)
  t.ok(made.status === 201 || made.status === 200, `the fill: ${made.status} ${JSON.stringify(made.body)}`)
  const id = made.body.task.id
  const now = await nowMs(server)
  const batch = [
    { actionId: 'o3', taskId: id, action: 'complete', at: before(now, 20), result: { moved: 12 } },
    { actionId: 'o1', taskId: id, action: 'claim', at: before(now, 30) },
    { actionId: 'o2', taskId: id, action: 'start', at: before(now, 28) }
  ]
  const first = await act(server, ann, batch)
  t.match(first.body, { accepted: 3, duplicates: 0 })
  t.same(first.body.results.map((r) => [r.index, r.actionId, r.status]), [[0, 'o3', 'accepted'], [1, 'o1', 'accepted'], [2, 'o2', 'accepted']], 'answered in the order sent')
  t.equal((await getTask(server, id)).body.result.laborMin, 8, 'labor from the start it was sent after')

  const replay = await act(server, ann, [...batch].reverse())
  t.match(replay.body, { accepted: 0, duplicates: 3, conflicts: 0 })
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 22, 'BR-01': 12 }, 'moved once')

  const sameTime = (await createTask(server, { ...FILL, location: 'A01-2', sku: 'FOODS_1_001' })).body.task.id
  const at = before(now, 1)
  const tied = await act(server, ann, [
    { actionId: 't2', taskId: sameTime, action: 'complete', at, result: { moved: 0, found: 0 } },
    { actionId: 't1', taskId: sameTime, action: 'claim', at }
  ])
  t.equal(tied.body.accepted, 2, 'at the same time, claim goes before complete')
})

t.test('negative or absurd quantities get 400 or EDGE_ERR_BAD_QTY and change nothing', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  for (const qty of [-3, 0, 1.5, 1e12]) {
    const res = await createTask(server, { ...FILL, qty })
    t.equal(res.status, 400, `qty ${qty}`)
    t.equal(res.body.error.code, 'EDGE_ERR_VALIDATION')
  }
  const id = await createTaskId(server, FILL)
  await act(server, ann, [{ actionId: 'q0', taskId: id, action: 'claim' }])
  const negative = await act(server, ann, [{ actionId: 'q1', taskId: id, action: 'complete', result: { moved: -1 } }])
  t.equal(negative.status, 400)
  t.equal(negative.body.error.code, 'EDGE_ERR_VALIDATION')
  const absurd = await act(server, ann, [{ actionId: 'q2', taskId: id, action: 'complete', result: { moved: 5_000_000, found: 5_000_000 } }])
  t.match(absurd.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_BAD_QTY' } })
  const more = await act(server, ann, [{ actionId: 'q3', taskId: id, action: 'complete', result: { moved: 10, found: 4 } }])
  t.match(more.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_BAD_QTY' } }, 'cannot move more than was found')
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 10, 'BR-01': 24 })
  t.equal((await getTask(server, id)).body.state, 'claimed')
})

t.test('unknown tasks and items get 404 codes', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const res = await act(server, ann, [{ actionId: 'u1', taskId: 999, action: 'claim' }])
  t.match(res.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_TASK_UNKNOWN' } })
  const get = await getTask(server, 999)
  t.equal(get.status, 404)
  t.equal(get.body.error.code, 'EDGE_ERR_TASK_UNKNOWN')
  const item = await createTask(server, { kind: 'count', sku: 'NO_SUCH_SKU', location: 'A01-1' })
  t.equal(item.status, 404)
  t.equal(item.body.error.code, 'EDGE_ERR_NOT_FOUND')
  const loc = await createTask(server, { kind: 'count', sku: 'FOODS_1_001', location: 'Z-99' })
  t.equal(loc.status, 404)
  t.equal(loc.body.error.code, 'EDGE_ERR_NOT_FOUND')
  const cancel = await server.app.inject({ method: 'POST', url: '/api/v1/tasks/999/cancel', payload: { reason: 'x' } })
  t.equal(cancel.json().error.code, 'EDGE_ERR_TASK_UNKNOWN')
})

t.test('the handheld list: open tasks in my zones and skills by value, and the ones I hold', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann', { zones: ['grocery'] })
  const low = (await createTask(server, { kind: 'count', sku: 'FOODS_1_001', location: 'A01-1', value: 1 })).body.task.id
  const high = (await createTask(server, { ...FILL, value: 5 })).body.task.id
  await createTask(server, { kind: 'count', sku: 'DAIRY_1_001', location: 'COOL-1', value: 9 }) // dairy: not Ann's zone
  const list = await myTasks(server, ann)
  t.same(list.body.tasks.map((x) => x.id), [high, low], 'best value per labor minute first, other zones left out')
  await act(server, ann, [{ actionId: 'l1', taskId: high, action: 'claim' }])
  const after = await myTasks(server, ann)
  t.same(after.body.tasks.map((x) => x.id), [low])
  t.same(after.body.mine.map((x) => x.id), [high])
})

t.test('a claim with no action for taskClaimStaleMin returns to the pool on the scheduler sweep', async (t) => {
  const server = await startTaskServer(t, { taskClaimStaleMin: 5 })
  const ann = await handheld(server, 'hh-1', 'ann')
  const id = await createTaskId(server, FILL)
  await act(server, ann, [{ actionId: 'z1', taskId: id, action: 'claim' }])
  await advance(server, 3)
  t.equal((await getTask(server, id)).body.state, 'claimed', 'not yet stale at 3 minutes')
  await advance(server, 4)
  t.match((await getTask(server, id)).body, { state: 'open', assignee: null }, 'back in the pool at 7 minutes')
  const audit = server.db.prepare("SELECT actor, action FROM audit_log WHERE subject = ?").all(`task:${id}`)
  t.match(audit, [{ action: 'task.create' }, { actor: 'system', action: 'task.release_stale' }])
})
