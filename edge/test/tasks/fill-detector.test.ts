// The fill detector against a real server scoring with the rules (riskModelPath "none"): a shelf the
// record says is empty, with stock in the backroom, gets one fill (case-rounded, from the fullest bin,
// with a value); rescoring refreshes it in place; a refilled shelf's open fill is cancelled with a
// reason; no backroom stock means no fill; the handheld sees fills best value first.

import t from 'tap'
import { event, riskServer, type RiskHarness } from '../scoring/harness.js'
import { handheld, myTasks } from './helpers.js'

interface FillView { id: number, kind: string, sku: string, location: string, fromLocation: string | null, qty: number, value: number, laborMin: number, state: string, version: number, cancelReason: string | null, why: Record<string, any> }

async function fills (h: RiskHarness, query = ''): Promise<FillView[]> {
  const res = await h.server.app.inject({ url: `/api/v1/tasks?kind=fill${query}` })
  if (res.statusCode !== 200) throw new Error(`GET /api/v1/tasks answered ${res.statusCode}: ${res.body}`)
  return res.json().tasks
}

/** Posts events and waits until the fast tier has rescored what they touched. */
async function post (h: RiskHarness, events: unknown[]): Promise<void> {
  await h.post(events)
  await h.server.risk.fastIdle()
}

const server = (t: Tap): Promise<RiskHarness> => riskServer(t, { model: 'none' })
type Tap = Parameters<typeof riskServer>[0]

t.test('an empty shelf with backroom stock gets one fill: case-rounded, from the fullest bin, with a value and why', async (t) => {
  const h = await server(t)
  t.same(await fills(h), [], 'no fill while the shelf holds 10 of 24')
  // The shelf is counted empty; a second bin holds more than BR-01's 24.
  await post(h, [event('putaway', { sku: 'FOODS_1_001', location: 'BR-02', qty: 30 }), event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 })])
  const [fill, ...rest] = await fills(h)
  t.equal(rest.length, 0, 'one fill')
  t.match(fill, { kind: 'fill', sku: 'FOODS_1_001', location: 'A01-1', fromLocation: 'BR-02', qty: 24, state: 'open' }, 'capacity 24 - 0 on the shelf = 2 cases of 12, from the bin with 30')
  t.ok(fill.value > 0, 'a value per labor minute')
  t.equal(fill.laborMin, 3 + 24 * 5 / 60, '3 minutes + 5 s per unit')
  t.match(fill.why, { detector: 'fill', scorer: 'rules', shelf: { onHand: 0, inTransit: 0 }, backroom: { bin: 'BR-02', binOnHand: 30, onHand: 54 } })
  t.ok(fill.why.score >= 0.3, 'at or above fillRiskThreshold')
  t.ok(Array.isArray(fill.why.top) && fill.why.top.length > 0, 'the features that moved the score')

  await h.rescore()
  await h.rescore()
  const again = await fills(h)
  t.equal(again.length, 1, 'rescoring keeps one fill')
  t.equal(again[0].id, fill.id, 'the same task')

  // BR-02 is counted down to 10: the fill is updated in place to take from BR-01 instead.
  await post(h, [event('cycle_count', { sku: 'FOODS_1_001', location: 'BR-02', qty: 10 })])
  const updated = await fills(h)
  t.equal(updated.length, 1)
  t.match(updated[0], { id: fill.id, fromLocation: 'BR-01', qty: 24, state: 'open' }, 'now BR-01 (24) is the fullest bin')
  t.ok(updated[0].version > fill.version, 'updated in place')
})

t.test('a shelf refilled by a putaway gets its open fill cancelled with a reason', async (t) => {
  const h = await server(t)
  await post(h, [event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 })])
  const [fill] = await fills(h)
  t.match(fill, { state: 'open', qty: 24, fromLocation: 'BR-01' })
  await post(h, [event('putaway', { sku: 'FOODS_1_001', location: 'A01-1', qty: 24 })])
  const after = await fills(h, '&state=cancelled')
  t.equal(after.length, 1)
  t.equal(after[0].id, fill.id)
  t.match(after[0].cancelReason, /^(shelf full by the record|shelf risk fell to 0\.\d\d)$/)
  t.same(await fills(h, '&state=open'), [], 'no open fill left')
})

t.test('a shelf whose SKU has no backroom stock gets no fill', async (t) => {
  const h = await server(t)
  await post(h, [event('cycle_count', { sku: 'FOODS_1_002', location: 'A01-2', qty: 0 })])
  t.ok((await h.itemRisk('FOODS_1_002'))[0].score >= 0.3, 'the shelf is at risk')
  await h.rescore()
  t.same(await fills(h), [], 'but there is nothing to bring')
})

t.test('the handheld lists fills best value per labor minute first', async (t) => {
  const h = await server(t)
  // Milk (1.29, cases of 6) and oat cereal (3.49, cases of 12), both empty with backroom stock.
  await post(h, [
    event('putaway', { sku: 'DAIRY_1_001', location: 'BR-01', qty: 36 }),
    event('cycle_count', { sku: 'DAIRY_1_001', location: 'COOL-1', qty: 0 }),
    event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 })
  ])
  await h.rescore()
  const made = await fills(h)
  t.equal(made.length, 2)
  const ann = await handheld(h.server, 'hh-ann', 'ann')
  const list = await myTasks(h.server, ann)
  t.equal(list.status, 200)
  const values = list.body.tasks.map((x) => x.value)
  t.equal(values.length, 2)
  t.same(values, [...values].sort((a, b) => b - a), 'ranked by value')
  t.same(list.body.tasks.map((x) => x.id), [...made].sort((a, b) => b.value - a.value).map((x) => x.id))
})

t.test('while the store is closed no new fill is raised; the first rescoring after opening raises it', async (t) => {
  const START = Date.parse('2026-03-10T05:00:00.000Z')
  const h = await riskServer(t, { model: 'none', overrides: { clockMode: 'sim', clockStart: new Date(START).toISOString(), storeHours: '07:00-22:00' } })
  await post(h, [event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 }, 0, START)])
  t.ok((await h.risk()).scores.some((r: { sku: string, score: number }) => r.sku === 'FOODS_1_001' && r.score >= 0.3), 'the empty shelf is at risk')
  t.same(await fills(h), [], '05:00: closed, no fill')
  const res = await h.server.app.inject({ method: 'PUT', url: '/api/v1/clock', payload: { now: '2026-03-10T07:01:00.000Z' } })
  t.equal(res.statusCode, 200)
  t.match(await fills(h), [{ sku: 'FOODS_1_001', location: 'A01-1', state: 'open' }], '07:01: open, the slow tier raised it')
})
