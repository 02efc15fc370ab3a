// A fill from claim to completion: the stock moves backroom -> shelf through the journal, the labor
// minutes are kept, a second completion is a duplicate or a conflict, and a short fill raises a count.

import t from 'tap'
import { onHandOf } from '../http/api.js'
import { act, before, createTask, createTaskId, FILL, getTask, handheld, nowMs, startTaskServer } from './helpers.js'

t.test('claim, start and complete a fill: positions move backroom -> shelf and the labor minutes are stored', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 10, 'BR-01': 24 })
  const made = await createTask(server, FILL)
  t.equal(made.status, 201)
  const id = made.body.task.id
  const now = await nowMs(server)
  const res = await act(server, ann, [
    { actionId: 'a1', taskId: id, action: 'claim', at: before(now, 10) },
    { actionId: 'a2', taskId: id, action: 'start', at: before(now, 9) },
    { actionId: 'a3', taskId: id, action: 'complete', at: before(now, 2), result: { moved: 12 } }
  ])
  t.equal(res.status, 200)
  t.match(res.body, { accepted: 3, duplicates: 0, conflicts: 0, rejected: 0 })
  t.match(res.body.results[2], { status: 'accepted', task: { id, state: 'done', assignee: 'ann' } })
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 22, 'BR-01': 12 }, '12 units left the bin and reached the shelf')

  const task = (await getTask(server, id)).body
  t.equal(task.state, 'done')
  t.equal(task.result.laborMin, 7, 'minutes from start to completion')
  t.equal(task.result.moved, 12)
  t.same(task.result.events, [`task-${id}-pick`, `task-${id}-putaway`], 'the movements are journal events')
  const journal = (await server.app.inject({ url: '/api/v1/events?deviceId=edge-tasks' })).json().events
  t.same(journal.map((e: { type: string }) => e.type), ['pick', 'putaway'])
  t.match(journal[0], { sku: 'FOODS_1_001', location: 'A01-1', qty: 12, data: { from: 'BR-01', taskId: id, associateId: 'ann', handheld: 'hh-1' } })
})

t.test('completing twice: the same action id is a duplicate, another is a conflict; nothing moves twice', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const id = await createTaskId(server, FILL)
  await act(server, ann, [{ actionId: 'c1', taskId: id, action: 'claim' }, { actionId: 'c2', taskId: id, action: 'complete', result: { moved: 12, laborMin: 4 } }])
  const replay = await act(server, ann, [{ actionId: 'c2', taskId: id, action: 'complete', result: { moved: 12 } }])
  t.match(replay.body.results[0], { status: 'duplicate', first: { status: 'accepted' } })
  const again = await act(server, ann, [{ actionId: 'c3', taskId: id, action: 'complete', result: { moved: 12 } }])
  t.match(again.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT', details: { state: 'done', by: 'ann' } } })
  t.match(again.body.results[0].error?.message, /already completed by you at/)
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 22, 'BR-01': 12 }, 'moved once')
  t.equal((await getTask(server, id)).body.result.laborMin, 4, 'reported labor minutes are kept')
})

t.test("someone else's task is a conflict that says who and since when", async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const bob = await handheld(server, 'hh-2', 'bob')
  const id = await createTaskId(server, FILL)
  t.equal((await act(server, ann, [{ actionId: 'x1', taskId: id, action: 'claim' }])).body.accepted, 1)
  for (const action of ['claim', 'start', 'complete', 'release']) {
    const res = await act(server, bob, [{ actionId: `bob-${action}`, taskId: id, action, result: action === 'complete' ? { moved: 12 } : undefined }])
    t.match(res.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT', details: { state: 'claimed', by: 'ann' } } }, action)
  }
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 10, 'BR-01': 24 }, 'nothing moved')
  await act(server, ann, [{ actionId: 'x2', taskId: id, action: 'complete', result: { moved: 12 } }])
  const late = await act(server, bob, [{ actionId: 'bob-late', taskId: id, action: 'complete', result: { moved: 12 } }])
  t.match(late.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT', details: { state: 'done', by: 'ann' } } })
  t.match(late.body.results[0].error?.message, /already completed by ann at \d{4}-/)
})

t.test('release returns a claimed task to the pool; complete needs a claim', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const bob = await handheld(server, 'hh-2', 'bob')
  const id = await createTaskId(server, FILL)
  const early = await act(server, ann, [{ actionId: 'r0', taskId: id, action: 'complete', result: { moved: 12 } }])
  t.match(early.body.results[0], { status: 'rejected', error: { code: 'EDGE_ERR_TASK_STATE' } })
  await act(server, ann, [{ actionId: 'r1', taskId: id, action: 'claim' }, { actionId: 'r2', taskId: id, action: 'release' }])
  t.match(await getTask(server, id), { body: { state: 'open', assignee: null } })
  t.equal((await act(server, bob, [{ actionId: 'b1', taskId: id, action: 'claim' }])).body.accepted, 1, 'someone else may take it now')
})

t.test('a fill that finds less than asked moves what it found and raises a count of the bin', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const id = await createTaskId(server, FILL)
  const res = await act(server, ann, [
    { actionId: 's1', taskId: id, action: 'claim' },
    { actionId: 's2', taskId: id, action: 'complete', result: { moved: 5, found: 5 } }
  ])
  const raised = res.body.results[1].raised ?? []
  t.equal(raised.length, 1, 'one count task')
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 15, 'BR-01': 19 })
  const count = (await getTask(server, raised[0])).body
  t.match(count, { kind: 'count', sku: 'FOODS_1_001', location: 'BR-01', state: 'open', why: { rule: 'short_fill', text: 'fill found 5 of 12', fillTaskId: id } })
  t.same(count.lineage, [`task-${id}-pick`, `task-${id}-putaway`])
})

t.test('one live fill per SKU-location: a new need updates it in place', async (t) => {
  const server = await startTaskServer(t)
  const first = await createTask(server, FILL)
  const second = await createTask(server, { ...FILL, qty: 18, value: 4, why: { rule: 'test', score: 0.9 } })
  t.equal(second.body.created, false)
  t.equal(second.body.task.id, first.body.task.id, 'the same task')
  t.match(second.body.task, { qty: 18, version: 2, why: { score: 0.9 } })
  const fills = (await server.app.inject({ url: '/api/v1/tasks?kind=fill' })).json().tasks
  t.equal(fills.length, 1)
  const elsewhere = await createTask(server, { ...FILL, location: 'A01-2' })
  t.equal(elsewhere.body.created, true, `another shelf gets its own fill (answered ${elsewhere.status}: ${JSON.stringify(elsewhere.body).slice(0, 300)})`)

  const cancelled = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${first.body.task.id}/cancel`, payload: { reason: 'shelf filled' } })
  t.match(cancelled.json().task, { state: 'cancelled', cancelReason: 'shelf filled' })
  const next = await createTask(server, FILL)
  t.equal(next.body.created, true, 'after a cancel a new need is a new fill')
  const twice = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${first.body.task.id}/cancel`, payload: { reason: 'again' } })
  t.equal(twice.statusCode, 409)
  t.equal(twice.json().error.code, 'EDGE_ERR_TASK_STATE')
})

t.test('a fill refreshed in place while its movements commit still completes: the stock moved', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const id = await createTaskId(server, FILL)
  await act(server, ann, [{ actionId: 'r1', taskId: id, action: 'claim' }])
  // Fault injection on the real server: the detector updates the fill (new quantity, version + 1)
  // in the moment between the completion's movements being posted and the task being marked done.
  const ingest = (server.tasks.actions as unknown as { o: { ingest: { postEvents: (...a: unknown[]) => Promise<unknown> } } }).o.ingest
  const post = ingest.postEvents.bind(ingest)
  ingest.postEvents = async (...a: unknown[]) => {
    const out = await post(...a)
    server.tasks.store.upsertFill({ ...FILL, kind: 'fill', qty: 18 } as Parameters<typeof server.tasks.store.upsertFill>[0])
    return out
  }
  const res = await act(server, ann, [{ actionId: 'r2', taskId: id, action: 'complete', result: { moved: 12 } }])
  t.match(res.body.results[0], { status: 'accepted', task: { state: 'done' } }, 'not a conflict: the stock has already moved')
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 22, 'BR-01': 12 })
})
