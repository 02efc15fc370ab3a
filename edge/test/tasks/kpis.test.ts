// GET /api/v1/kpis on a real server on the sim clock: tasks claimed and completed at known times
// give the expected medians; receipts and put-aways at known event times give the backroom dwell.

import t from 'tap'
import { basic, postEvents } from '../http/api.js'
import { ManualClock } from '../../src/core/clock.js'
import { KpiService } from '../../src/decisions/kpis/service.js'
import type { TestServer } from '../helpers/server.js'
import { act, advance, createTask, createTaskId, FILL, handheld, nowMs, startTaskServer } from './helpers.js'

async function kpis (server: TestServer, query = ''): Promise<{ status: number, body: any }> {
  const res = await server.app.inject({ url: `/api/v1/kpis${query}` })
  return { status: res.statusCode, body: res.json() }
}

// Rescoring must not add fills of its own to the ones the test counts.
const QUIET = { fillRiskThreshold: 1 }

t.test('time to first action, completion time, labor and units per labor minute of fills claimed and done at known times', async (t) => {
  const server = await startTaskServer(t, QUIET)
  const ann = await handheld(server, 'hh-1', 'ann')
  const t0 = await nowMs(server)
  const f1 = await createTaskId(server, FILL) // A01-1
  const f2 = (await createTask(server, { ...FILL, location: 'A01-2', qty: 6 })).body.task.id
  const c3 = (await createTask(server, { kind: 'count', sku: 'FOODS_1_002', location: 'A01-2', value: 1, laborMin: 3 })).body.task.id

  await advance(server, 10)
  await act(server, ann, [{ actionId: 'k1', taskId: f1, action: 'claim' }]) // t0 + 10 min
  await advance(server, 20)
  await act(server, ann, [{ actionId: 'k2', taskId: f2, action: 'claim' }]) // t0 + 30
  await advance(server, 10)
  t.equal((await act(server, ann, [{ actionId: 'k3', taskId: f1, action: 'complete', result: { moved: 12, laborMin: 6 } }])).body.accepted, 1) // t0 + 40
  await advance(server, 10)
  t.equal((await act(server, ann, [{ actionId: 'k4', taskId: f2, action: 'complete', result: { moved: 6, laborMin: 4 } }])).body.accepted, 1) // t0 + 50
  const c4 = (await createTask(server, { kind: 'count', sku: 'FOODS_1_001', location: 'BR-01', value: 1, laborMin: 3 })).body.task.id
  await advance(server, 10) // t0 + 60

  const res = await kpis(server, '?hours=1')
  t.equal(res.status, 200)
  const k = res.body
  t.same(k.window, { hours: 1, from: new Date(t0).toISOString(), to: new Date(t0 + 60 * 60_000).toISOString() })
  t.same(k.timeToFirstActionMin.fill, { n: 2, median: 20, p90: 28 }, 'claimed 10 and 30 minutes after creation')
  t.same(k.completionMin.fill, { n: 2, median: 25, p90: 29 }, 'done 30 and 20 minutes after the claim')
  t.same(k.completionMin.all, k.completionMin.fill)
  t.same(k.laborMinPerTask.fill, { n: 2, totalMin: 10, mean: 5, median: 5 })
  t.same(k.fillUnitsPerLaborMin, { units: 18, laborMin: 10, rate: 1.8 })
  t.same(k.timeToFirstActionMin.count, { n: 0, median: null, p90: null })
  t.equal(k.openTasks.total, 2)
  t.same(k.openTasks.byKind.count, { total: 2, open: 2, claimed: 0, started: 0, age: { '<15m': 1, '15-60m': 0, '1-4h': 1, '>4h': 0 } }, `count ${c3} is an hour old, ${c4} ten minutes`)
  t.same(k.openTasks.byKind.fill, { total: 0, open: 0, claimed: 0, started: 0, age: { '<15m': 0, '15-60m': 0, '1-4h': 0, '>4h': 0 } })
  t.match(k.phantomPrecision, { completed: 0, discrepancies: 0, bySource: { manual: { raised: 2 } } }, 'the phantom detector\'s count precision: the two counts made by hand, none done yet')

  await advance(server, 60) // t0 + 120: the window of the last hour holds no claim and no completion
  const later = (await kpis(server, '?hours=1')).body
  t.same(later.timeToFirstActionMin.all, { n: 0, median: null, p90: null })
  t.same(later.completionMin.fill, { n: 0, median: null, p90: null })
  t.same(later.openTasks.byKind.count.age, { '<15m': 0, '15-60m': 0, '1-4h': 2, '>4h': 0 })
  const day = (await kpis(server)).body
  t.equal(day.window.hours, 24, 'the default window is 24 hours')
  t.equal(day.completionMin.fill.n, 2)
})

t.test('exception resolution: count and review tasks from creation to done, in hours', async (t) => {
  const server = await startTaskServer(t, QUIET)
  const t0 = await nowMs(server)
  const count = (await createTask(server, { kind: 'count', sku: 'FOODS_1_001', location: 'BR-01', value: 1, laborMin: 3 })).body.task.id
  const review = (await createTask(server, { kind: 'review', sku: 'FOODS_1_002', location: 'RCV', value: 1, laborMin: 5 })).body.task.id
  // Counts and reviews are completed by their own completers (tasks/completers/); here the rows are
  // left as a completion leaves them: done at a known time.
  const done = server.db.prepare(`UPDATE tasks SET state = 'done', assignee = NULL, claimed_at = ?, done_at = ?, result = ?, version = version + 1, updated_at = ? WHERE id = ?`)
  const iso = (min: number): string => new Date(t0 + min * 60_000).toISOString()
  done.run(iso(5), iso(30), JSON.stringify({ laborMin: 4 }), iso(30), count)
  done.run(iso(10), iso(90), JSON.stringify({ laborMin: 8 }), iso(90), review)
  await advance(server, 120)
  const k = (await kpis(server, '?hours=3')).body
  t.same(k.exceptionResolutionH.count, { n: 1, median: 0.5, p90: 0.5 })
  t.same(k.exceptionResolutionH.review, { n: 1, median: 1.5, p90: 1.5 })
  t.same(k.exceptionResolutionH.all, { n: 2, median: 1, p90: 1.4 })
  t.same(k.laborMinPerTask.count, { n: 1, totalMin: 4, mean: 4, median: 4 })
  t.same(k.completionMin.review, { n: 1, median: 80, p90: 80 })
})

t.test('backroom dwell: units received wait until put away, oldest first per SKU; what still waits is shown', async (t) => {
  const server = await startTaskServer(t, QUIET)
  const auth = basic('hh-9', server.addDevice('hh-9', 'handheld-scanner-app'))
  const t0 = await nowMs(server)
  const at = (hoursAgo: number): string => new Date(t0 - hoursAgo * 3_600_000).toISOString()
  const posted = await postEvents(server, auth, [
    { id: 'r1', type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 10, occurredAt: at(6) },
    { id: 'r2', type: 'receipt', sku: 'FOODS_1_001', location: 'RCV', qty: 10, occurredAt: at(4) },
    { id: 'p1', type: 'putaway', sku: 'FOODS_1_001', location: 'BR-01', qty: 15, occurredAt: at(2), data: { from: 'RCV' } },
    { id: 'r3', type: 'receipt', sku: 'FOODS_1_002', location: 'RCV', qty: 6, occurredAt: at(2) },
    { id: 'p2', type: 'putaway', sku: 'FOODS_1_002', location: 'A01-2', qty: 6, occurredAt: at(0.5), data: { from: 'RCV' } }
  ])
  t.equal(posted.body.accepted, 5)

  const day = (await kpis(server)).body.backroomDwellH
  // 10 units waited 4 h, 5 units 2 h (FOODS_1_001, oldest first), 6 units 1.5 h (FOODS_1_002).
  t.same(day, { n: 3, median: 2, p90: 4, units: 21, unmatchedUnits: 0, waiting: { units: 5, skus: 1, oldestH: 4, medianH: 4 } })
  const hour = (await kpis(server, '?hours=1')).body.backroomDwellH
  t.match(hour, { n: 1, median: 1.5, p90: 1.5, units: 6 }, 'only the put-away of the last hour')
})

t.test('bad windows are refused with EDGE_ERR_VALIDATION; the admin token is needed when set', async (t) => {
  const server = await startTaskServer(t)
  for (const q of ['?hours=0', '?hours=2161', '?hours=abc', '?days=1']) {
    const res = await kpis(server, q)
    t.equal(res.status, 400, q)
    t.equal(res.body.error.code, 'EDGE_ERR_VALIDATION', q)
  }
  t.equal((await kpis(server, '?hours=2160')).status, 200, '90 days is the longest window')
  const locked = await startTaskServer(t, { adminToken: 'an-admin-token-of-32-characters!' })
  const res = await kpis(locked)
  t.equal(res.status, 401)
  t.equal(res.body.error.code, 'EDGE_ERR_UNAUTHORIZED')
})

t.test("the phantom detector's precision joins the KPIs through the provider it is given", async (t) => {
  const server = await startTaskServer(t, QUIET)
  const t0 = await nowMs(server)
  const asked: Array<{ fromMs: number, toMs: number }> = []
  const svc = new KpiService({
    db: server.db,
    clock: new ManualClock(t0),
    phantomPrecision: (w) => { asked.push(w); return { counts: 4, found: 3, precision: 0.75 } }
  })
  const k = svc.compute(6)
  t.same(asked, [{ fromMs: t0 - 6 * 3_600_000, toMs: t0 }], 'asked about the same window')
  t.same(k.phantomPrecision, { counts: 4, found: 3, precision: 0.75 })
})
