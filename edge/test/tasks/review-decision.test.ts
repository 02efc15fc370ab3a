// A manager decides a receiving review on the panel (POST /api/v1/tasks/{id}/review): accepted as
// received, or recounted with the counts posted as cycle counts (record corrected, ERP told), the
// discrepancy resolved, the audit log naming the signed-in manager and the reason. A review an
// associate holds may still be decided; the associate's later completion is a conflict naming the
// manager, and a decision at the same moment as a handheld's leaves exactly one standing. Bad
// input gets stable codes and changes nothing; a viewer may not decide.

import t from 'tap'
import { Accounts } from '../../src/store/accounts.js'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { onHandOf } from '../http/api.js'
import { act, FILL, createTaskId, handheld } from './helpers.js'
import { closeAsn, dockServer, getAsn, postAsn, tasksOf } from './receiving-helpers.js'

const MANAGER = { username: 'maria', password: 'shelf-walk-2026' }
const VIEWER = { username: 'victor', password: 'backroom-view-7' }
const ASN = { id: 'ASN-100', supplier: 'Cereal Co', lines: [{ sku: 'FOODS_1_001', qty: 24, cases: 2 }, { sku: 'FOODS_1_002', qty: 10, cases: 1 }] }

type Tap = Parameters<typeof startTestServer>[0]
type Answer = { status: number, body: Record<string, any> }

function addAccounts (s: TestServer): void {
  const accounts = new Accounts(s.db)
  accounts.upsert({ ...MANAGER, displayName: 'Maria Lopez', role: 'manager' })
  accounts.upsert({ ...VIEWER, role: 'viewer' })
}

async function signIn (s: TestServer, who: { username: string, password: string }): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: who })
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`)
  return String(res.headers['set-cookie']).split(';')[0]
}

async function decide (s: TestServer, id: number, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await s.app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/review`, headers, payload: body as Record<string, unknown> })
  return { status: res.statusCode, body: res.json() }
}

/**
 * A store whose ASN-100 closed one case short of FOODS_1_001 (12 of 24 at RCV) and with 6 units of
 * DAIRY_1_001 it did not list: two open reviews. Maria (manager) is signed in.
 */
async function reviewStore (t: Tap): Promise<{ server: TestServer, short: Record<string, any>, wrong: Record<string, any>, maria: Record<string, string> }> {
  const dock = await dockServer(t)
  const { server } = dock
  addAccounts(server)
  await postAsn(server, ASN)
  await dock.post([await dock.receipt('r1', 'FOODS_1_001', 12, 'ASN-100'), await dock.receipt('r2', 'FOODS_1_002', 10, 'ASN-100'), await dock.receipt('r3', 'DAIRY_1_001', 6, 'ASN-100')])
  await closeAsn(server, 'ASN-100')
  const reviews = await tasksOf(server, 'kind=review')
  return {
    server,
    short: reviews.find((r) => r.sku === 'FOODS_1_001')!,
    wrong: reviews.find((r) => r.sku === 'DAIRY_1_001')!,
    maria: { cookie: await signIn(server, MANAGER) }
  }
}

async function discrepancy (s: TestServer, sku: string): Promise<Record<string, any>> {
  return (await getAsn(s, 'ASN-100')).body.asn.discrepancies.find((d: any) => d.sku === sku)
}

async function auditOf (s: TestServer, id: number, headers: Record<string, string> = {}): Promise<Array<Record<string, any>>> {
  return (await s.app.inject({ url: `/api/v1/audit?subject=task:${id}`, headers })).json().entries
}

t.test('a manager accepts a receipt as scanned: the review is done, its discrepancy resolved, the audit names her with her reason', async (t) => {
  const { server, wrong, maria } = await reviewStore(t)
  const res = await decide(server, wrong.id, { decision: 'accept', reason: 'the supplier confirmed the extra case', version: wrong.version }, maria)
  t.equal(res.status, 200)
  t.match(res.body.task, { id: wrong.id, state: 'done', assignee: null, version: wrong.version + 1, result: { decision: 'accept', counts: [], decidedBy: 'maria', reason: 'the supplier confirmed the extra case', laborMin: null } })
  t.match(await discrepancy(server, 'DAIRY_1_001'), { decision: 'accept', resolvedAt: String })
  t.equal((await onHandOf(server, 'DAIRY_1_001')).RCV, 6, 'the receipt stands as scanned')
  t.same((await tasksOf(server, 'kind=review&state=open')).map((r) => r.id), [(await tasksOf(server, 'kind=review&sku=FOODS_1_001'))[0].id], 'only the other review still waits')
  const entry = (await auditOf(server, wrong.id)).find((e) => e.kind === 'task.review')
  t.match(entry, { actor: 'maria', reason: 'the supplier confirmed the extra case', inputs: { decision: 'accept', via: 'panel', heldBy: null } }, 'audited as the signed-in manager')

  const twice = await decide(server, wrong.id, { decision: 'accept', reason: 'again' }, maria)
  t.equal(twice.status, 409, 'deciding twice is refused')
  t.equal(twice.body.error.code, 'EDGE_ERR_TASK_STATE')
  t.match(twice.body.error.message, /already decided by maria on the panel/)
})

t.test('a recount decided while an associate holds the review: counts posted, ERP told; her later completion is a conflict naming the manager', async (t) => {
  const { server, short, maria } = await reviewStore(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const held = await act(server, ann, [{ actionId: 'a1', taskId: short.id, action: 'claim' }, { actionId: 'a2', taskId: short.id, action: 'start' }])
  t.same(held.body.results.map((r) => r.status), ['accepted', 'accepted'])

  const res = await decide(server, short.id, { decision: 'recount', counts: [{ location: 'RCV', qty: 10 }], reason: 'the dock counted 10 at the end of the shift' }, maria)
  t.equal(res.status, 200)
  t.match(res.body.task, { state: 'done', assignee: null, result: { decision: 'recount', counts: [{ location: 'RCV', qty: 10 }], decidedBy: 'maria', events: [`task-${short.id}-count-RCV`] } })
  t.equal((await onHandOf(server, 'FOODS_1_001')).RCV, 10, 'the recount corrected the record at the dock')
  t.ok(new OutboxRows(server.db).after(0, 100, 'inventory_adjustment').some((r) => r.sku === 'FOODS_1_001'), 'and the ERP is told of the adjustment')
  t.match(await discrepancy(server, 'FOODS_1_001'), { decision: 'recount', resolvedAt: String })
  t.match((await auditOf(server, short.id)).find((e) => e.kind === 'task.review'), { actor: 'maria', reason: 'the dock counted 10 at the end of the shift', inputs: { heldBy: 'ann', counts: [{ location: 'RCV', qty: 10 }] } })

  // Ann's handheld was offline: her completion arrives after the manager's decision.
  const late = await act(server, ann, [{ actionId: 'a3', taskId: short.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 12 }] } }])
  t.equal(late.status, 200)
  t.match(late.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT', details: { state: 'done', by: 'maria', via: 'panel' } } })
  t.match(late.body.results[0].error?.message, /already decided by maria on the panel at /)
  t.equal((await onHandOf(server, 'FOODS_1_001')).RCV, 10, 'her count changes nothing')
  t.equal((await discrepancy(server, 'FOODS_1_001')).decision, 'recount')
  const replay = await act(server, ann, [{ actionId: 'a3', taskId: short.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 12 }] } }])
  t.match(replay.body.results[0], { status: 'duplicate', first: { status: 'conflict' } }, 'a replay gets the same answer')
  const release = await act(server, ann, [{ actionId: 'a4', taskId: short.id, action: 'release' }])
  t.equal(release.body.results[0].status, 'conflict', 'nor can she release it')
})

t.test('an associate decided first: the manager is told who and when, and nothing is posted twice', async (t) => {
  const { server, short, maria } = await reviewStore(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  await act(server, ann, [{ actionId: 'b1', taskId: short.id, action: 'claim' }, { actionId: 'b2', taskId: short.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 11 }] } }])
  const res = await decide(server, short.id, { decision: 'recount', counts: [{ location: 'RCV', qty: 9 }], reason: 'I counted 9' }, maria)
  t.equal(res.status, 409)
  t.match(res.body.error, { code: 'EDGE_ERR_TASK_STATE', details: { state: 'done', by: 'ann' } })
  t.match(res.body.error.message, /already decided by ann on a handheld at /)
  t.equal((await onHandOf(server, 'FOODS_1_001')).RCV, 11, "the associate's count stands")
  t.notOk((await auditOf(server, short.id)).some((e) => e.kind === 'task.review'), 'no decision audited')
})

t.test('a manager and a handheld decide at the same moment: exactly one decision stands, whole', async (t) => {
  const { server, short, maria } = await reviewStore(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  await act(server, ann, [{ actionId: 'c1', taskId: short.id, action: 'claim' }])
  const [panel, hand] = await Promise.all([
    decide(server, short.id, { decision: 'recount', counts: [{ location: 'RCV', qty: 8 }], reason: 'counted 8' }, maria),
    act(server, ann, [{ actionId: 'c2', taskId: short.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 10 }] } }])
  ])
  const panelWon = panel.status === 200
  const handWon = hand.body.results[0].status === 'accepted'
  t.ok(panelWon !== handWon, `one won (panel ${panel.status}, handheld ${hand.body.results[0].status})`)
  const want = panelWon ? 8 : 10
  t.equal((await onHandOf(server, 'FOODS_1_001')).RCV, want, "the record has the winner's count")
  const task = (await tasksOf(server, 'kind=review&sku=FOODS_1_001'))[0]
  t.match(task, { state: 'done', result: { counts: [{ location: 'RCV', qty: want }] } }, "and the task the winner's result")
  t.match(await discrepancy(server, 'FOODS_1_001'), { decision: 'recount', resolvedAt: String })
})

t.test('bad decisions get stable codes and change nothing', async (t) => {
  const { server, short, maria } = await reviewStore(t)
  const fill = await createTaskId(server, FILL)
  const cases: Array<[string, number, unknown, number, string]> = [
    ['an unknown task', 9999, { decision: 'accept', reason: 'x' }, 404, 'EDGE_ERR_TASK_UNKNOWN'],
    ['a task that is not a review', fill, { decision: 'accept', reason: 'x' }, 422, 'EDGE_ERR_TASK_KIND'],
    ['a decision that is neither', short.id, { decision: 'maybe', reason: 'x' }, 400, 'EDGE_ERR_VALIDATION'],
    ['no reason', short.id, { decision: 'accept' }, 400, 'EDGE_ERR_VALIDATION'],
    ['a blank reason', short.id, { decision: 'accept', reason: '   ' }, 400, 'EDGE_ERR_VALIDATION'],
    ['a recount without counts', short.id, { decision: 'recount', reason: 'x' }, 422, 'EDGE_ERR_REVIEW_DECISION'],
    ['an accept with counts', short.id, { decision: 'accept', counts: [{ location: 'RCV', qty: 3 }], reason: 'x' }, 422, 'EDGE_ERR_REVIEW_DECISION'],
    ['a negative count', short.id, { decision: 'recount', counts: [{ location: 'RCV', qty: -1 }], reason: 'x' }, 400, 'EDGE_ERR_VALIDATION'],
    ['an absurd count', short.id, { decision: 'recount', counts: [{ location: 'RCV', qty: 500_000_000 }], reason: 'x' }, 422, 'EDGE_ERR_BAD_QTY'],
    ['an unknown location', short.id, { decision: 'recount', counts: [{ location: 'NOWHERE', qty: 3 }], reason: 'x' }, 422, 'EDGE_ERR_UNKNOWN_LOCATION'],
    ['a location counted twice', short.id, { decision: 'recount', counts: [{ location: 'RCV', qty: 3 }, { location: 'RCV', qty: 4 }], reason: 'x' }, 422, 'EDGE_ERR_BAD_EVENT']
  ]
  for (const [what, id, body, status, code] of cases) {
    const res = await decide(server, id, body, maria)
    t.equal(res.status, status, what)
    t.equal(res.body.error?.code, code, what)
  }
  const after = (await tasksOf(server, 'kind=review&sku=FOODS_1_001'))[0]
  t.match(after, { state: 'open', version: short.version, result: null }, 'the review still waits, unchanged')
  t.equal((await discrepancy(server, 'FOODS_1_001')).resolvedAt, null, 'its discrepancy unresolved')
  t.equal((await onHandOf(server, 'FOODS_1_001')).RCV, 12, 'nothing counted')
  t.notOk((await auditOf(server, short.id)).some((e) => e.kind === 'task.review'), 'nothing audited')

  // Read, then an associate claims it: the decision made on what was read is refused.
  const ann = await handheld(server, 'hh-1', 'ann')
  await act(server, ann, [{ actionId: 'd1', taskId: short.id, action: 'claim' }])
  const stale = await decide(server, short.id, { decision: 'accept', reason: 'x', version: short.version }, maria)
  t.equal(stale.status, 409, 'a version read before a change')
  t.match(stale.body.error, { code: 'EDGE_ERR_TASK_CONFLICT', details: { version: short.version + 1, state: 'claimed', assignee: 'ann' } })

  const cancelled = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${short.id}/cancel`, payload: { reason: 'the supplier credited the case' } })
  t.equal(cancelled.statusCode, 200)
  const late = await decide(server, short.id, { decision: 'accept', reason: 'x' }, maria)
  t.equal(late.status, 409, 'a cancelled review is not decided')
  t.match(late.body.error, { code: 'EDGE_ERR_TASK_STATE', message: /cancelled: the supplier credited the case/ })
})

t.test('with sign-in required: a viewer gets 403, nobody 401; the admin token decides as admin; the route is documented', async (t) => {
  const ADMIN = 'review-test-admin-token-0123'
  const server = await startTestServer(t, { apiAuth: 'sessions', adminToken: ADMIN })
  addAccounts(server)
  const admin = { authorization: `Bearer ${ADMIN}` }
  const id = await (async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: admin, payload: { kind: 'review', sku: 'FOODS_1_002', location: 'RCV', qty: 4, why: { asn: 'ASN-7', expected: 24, received: 20 } } })
    return res.json().task.id as number
  })()
  const body = { decision: 'accept', reason: 'fine' }
  const viewer = await decide(server, id, body, { cookie: await signIn(server, VIEWER) })
  t.equal(viewer.status, 403)
  t.equal(viewer.body.error.code, 'EDGE_ERR_ROLE_FORBIDDEN')
  const nobody = await decide(server, id, body)
  t.equal(nobody.status, 401)
  t.equal(nobody.body.error.code, 'EDGE_ERR_SIGN_IN_REQUIRED')
  const stranger = await decide(server, id, body, { cookie: await signIn(server, MANAGER), origin: 'http://evil.example' })
  t.equal(stranger.status, 403, "another site may not decide with the manager's cookie")
  t.equal((await server.app.inject({ url: `/api/v1/tasks/${id}`, headers: admin })).json().state, 'open', 'none of them changed it')

  const byToken = await decide(server, id, body, admin)
  t.equal(byToken.status, 200)
  t.match((await auditOf(server, id, admin)).find((e) => e.kind === 'task.review'), { actor: 'admin', reason: 'fine' })

  const doc = (await server.app.inject({ url: '/docs/json' })).json().paths['/api/v1/tasks/{id}/review'].post
  t.same(doc.tags, ['tasks'])
  t.match(doc.summary, /receiving review/)
  t.same(doc.requestBody.content['application/json'].schema.properties.decision.enum, ['accept', 'recount'])
})
