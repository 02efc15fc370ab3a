// A manager hands a task to another associate or back to the pool, with the reason: the task
// moves, both handhelds' lists follow, the audit log says who did it and why; a done task or an
// unknown associate is refused.

import t from 'tap'
import { FILL, act, createTaskId, getTask, handheld, myTasks, startTaskServer } from './helpers.js'

t.test('reassign to another associate, then back to the pool, audited with the reason', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const bob = await handheld(server, 'hh-2', 'bob')
  const id = await createTaskId(server, FILL)
  await act(server, ann, [{ actionId: 'r1', taskId: id, action: 'claim' }])

  const moved = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/reassign`, payload: { to: 'bob', reason: 'Ann is on the tills' } })
  t.equal(moved.statusCode, 200)
  t.match(moved.json().task, { state: 'claimed', assignee: 'bob' })
  t.same((await myTasks(server, bob)).body.mine.map((x) => x.id), [id], "on Bob's handheld")
  t.same((await myTasks(server, ann)).body.mine, [], "gone from Ann's")

  const pooled = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/reassign`, payload: { to: null, reason: 'anyone nearer' } })
  t.match(pooled.json().task, { state: 'open', assignee: null })
  const audit = (await server.app.inject({ url: `/api/v1/audit?subject=task:${id}` })).json()
  const kinds = (audit.entries ?? audit.rows ?? []).map((e: { kind: string, reason?: string, inputs?: Record<string, unknown> }) => e)
  t.ok(kinds.some((e: { kind: string, inputs?: Record<string, unknown> }) => e.kind === 'task.reassign' && e.inputs?.to === 'bob' && e.inputs?.reason === 'Ann is on the tills'), 'audited with who it went to and why')
})

t.test('a done task, an unknown associate or no reason is refused, and nothing changes', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const id = await createTaskId(server, FILL)
  const nobody = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/reassign`, payload: { to: 'zed', reason: 'x' } })
  t.equal(nobody.statusCode, 400)
  t.equal(nobody.json().error.code, 'EDGE_ERR_VALIDATION')
  t.equal((await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/reassign`, payload: { to: 'ann' } })).statusCode, 400, 'a reason is required')
  t.match((await getTask(server, id)).body, { state: 'open', assignee: null }, 'unchanged')
  await act(server, ann, [{ actionId: 'd1', taskId: id, action: 'claim' }, { actionId: 'd2', taskId: id, action: 'complete', result: { moved: 12 } }])
  const done = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/reassign`, payload: { to: null, reason: 'too late' } })
  t.equal(done.statusCode, 409)
  t.equal(done.json().error.code, 'EDGE_ERR_TASK_STATE')
  t.equal((await server.app.inject({ method: 'POST', url: '/api/v1/tasks/9999/reassign', payload: { to: null, reason: 'x' } })).json().error.code, 'EDGE_ERR_TASK_UNKNOWN')
})
