// Order proposals against a real server on the sim clock with a year of imported sales: the
// order-up-to quantity with its reasoning and min-max beside it; what the policy lets through on
// its own goes to the outbox in the same transaction; the rest waits for a manager who approves,
// modifies or rejects with a reason; every step is in the audit log; bad decisions are refused
// with stable codes and change nothing.

import t from 'tap'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { advance } from '../tasks/helpers.js'
import { auditOf, call, orderServer, proposalsOf, runProposals, setPolicies } from './orders-helpers.js'

const orders = (server: { db: any }): Array<{ eventId: string, payload: Record<string, any> }> => new OutboxRows(server.db).after(0, 100, 'order')

t.test('a steady seller gets an order-up-to proposal with its reasoning; within the policy it goes through on its own, once', async (t) => {
  const server = await orderServer(t)
  const run = await runProposals(server)
  t.match(run, { orderDay: '2016-03-01', due: 3 })
  const [p] = await proposalsOf(server, 'sku=FOODS_1_001')
  t.ok(p, 'a proposal for FOODS_1_001')
  t.equal(p.qty % 12, 0, 'whole cases of 12')
  t.ok(p.qty > 0)
  t.match(p.reasoning, {
    forecast: { demandClass: 'smooth' },
    orderUpTo: { protectionDays: 3, onHand: 34 },
    minMax: { min: Number, max: Number, qty: Number },
    leadTimeDays: 2,
    reviewDays: 1,
    serviceLevel: 0.95
  })
  // Mon-Sun 10,10,12,12,14,20,18: Wednesday to Friday after tonight = 12 + 12 + 14 = 38 units, plus safety.
  t.ok(p.reasoning.orderUpTo.demandOverProtection > 37 && p.reasoning.orderUpTo.demandOverProtection < 39, `demand over 3 days ${p.reasoning.orderUpTo.demandOverProtection}`)
  t.equal(p.minMax.qty, p.minMaxQty, 'min-max quantity beside it')
  t.ok(p.confidence >= 0.6, `confident forecast (${p.confidence})`)
  t.same(p.reviewReasons, [])
  t.match(p, { state: 'approved', decision: { mode: 'auto', by: 'policy:defaults@v0', qty: p.qty } })

  const sent = orders(server).filter((o) => o.payload.sku === 'FOODS_1_001')
  t.equal(sent.length, 1, 'one ERP-bound order')
  t.match(sent[0], { eventId: `order:${p.id}`, payload: { qty: p.qty, cases: p.qty / 12, mode: 'auto', supplier: null, orderDay: '2016-03-01' } })

  const box = await call(server, 'GET', '/api/v1/outbox')
  const urgent = box.body.lanes.find((l: any) => l.lane === 'urgent')
  t.equal(urgent.rows, orders(server).length, 'approved orders wait in the urgent lane')
  t.equal(box.body.byType.order, orders(server).length)
  t.equal(urgent.oldestAgeS, 0, 'written at the server clock now')
  t.match((await server.app.inject({ url: '/metrics' })).body, new RegExp(`edge_outbox_rows\\{lane="urgent"\\} ${urgent.rows}`))

  const trail = await auditOf(server, `proposal:${p.id}`)
  t.same(trail.map((e) => e.kind), ['proposal.recommended', 'proposal.auto_approved'])
  t.match(trail[0], { actor: 'system', inputs: { sku: 'FOODS_1_001', qty: p.qty }, versions: { forecast: String, policy: 'defaults@v0' } })

  const again = await runProposals(server)
  t.equal(again.created, 0)
  t.equal(again.decided, 3 - again.nothing, 'a decided proposal stays as it is')
  t.equal(orders(server).length, orders(server).length)
  t.equal(orders(server).filter((o) => o.payload.sku === 'FOODS_1_001').length, 1, 'still one order')
})

t.test('outside the policy a manager decides: approve, modify with a reason, reject; twice or badly is refused', async (t) => {
  const server = await orderServer(t)
  await setPolicies(server, 'defaults:\n  autoApprove:\n    maxValue: 1\n')
  await runProposals(server)
  const pending = await proposalsOf(server, 'state=pending')
  t.equal(pending.length, 3, 'every order is worth more than 1: all wait')
  t.match(pending[0].reviewReasons.join('|'), /over 1/)
  t.equal(orders(server).length, 0, 'nothing sent before a decision')
  const [a, b, c] = pending

  const approved = await call(server, 'POST', `/api/v1/order-proposals/${a.id}/approve`, { by: 'mgr-ann', version: a.version })
  t.equal(approved.status, 200)
  t.match(approved.body.proposal, { state: 'approved', decision: { mode: 'manager', by: 'mgr-ann', qty: a.qty } })
  const twice = await call(server, 'POST', `/api/v1/order-proposals/${a.id}/approve`, { by: 'mgr-bob' })
  t.equal(twice.status, 409)
  t.equal(twice.body.error.code, 'EDGE_ERR_PROPOSAL_DECIDED')
  t.match(twice.body.error.message, /already approved by mgr-ann/)
  t.equal(orders(server).length, 1, 'approving twice sends one order')

  for (const [qty, why] of [[b.casePack + 1, /not whole cases/], [-b.casePack, /above zero/], [0, /above zero/], [b.casePack * 100000, /limit|20x/], [1.5, /whole number/]] as const) {
    const bad = await call(server, 'POST', `/api/v1/order-proposals/${b.id}/modify`, { by: 'mgr-ann', reason: 'more for the weekend', qty })
    t.equal(bad.status, 422, `qty ${qty} refused`)
    t.equal(bad.body.error.code, 'EDGE_ERR_ORDER_QTY')
    t.match(bad.body.error.message, why)
  }
  t.equal((await call(server, 'POST', `/api/v1/order-proposals/${b.id}/modify`, { by: 'mgr-ann', qty: b.qty + b.casePack })).body.error.code, 'EDGE_ERR_VALIDATION', 'a change needs a reason')
  t.equal((await call(server, 'POST', `/api/v1/order-proposals/${b.id}/approve`, { by: 'mgr-ann', version: b.version + 1 })).body.error.code, 'EDGE_ERR_PROPOSAL_CONFLICT', 'a stale version')
  t.equal((await call(server, 'GET', `/api/v1/order-proposals/${b.id}`)).body.proposal.state, 'pending', 'nothing half applied')

  const modified = await call(server, 'POST', `/api/v1/order-proposals/${b.id}/modify`, { by: 'mgr-ann', reason: 'more for the weekend', qty: b.qty + b.casePack })
  t.equal(modified.status, 200)
  t.match(modified.body.proposal, { state: 'approved', qty: b.qty, decision: { mode: 'manager', qty: b.qty + b.casePack, reason: 'more for the weekend' } })
  const sentB = orders(server).find((o) => o.eventId === `order:${b.id}`)!
  t.match(sentB.payload, { qty: b.qty + b.casePack, proposedQty: b.qty, approvedBy: 'mgr-ann' })

  t.equal((await call(server, 'POST', `/api/v1/order-proposals/${c.id}/reject`, { by: 'mgr-ann' })).body.error.code, 'EDGE_ERR_VALIDATION', 'a rejection needs a reason')
  const rejected = await call(server, 'POST', `/api/v1/order-proposals/${c.id}/reject`, { by: 'mgr-ann', reason: 'aisle reset on Friday' })
  t.match(rejected.body.proposal, { state: 'rejected', decision: { reason: 'aisle reset on Friday', qty: 0 } })
  t.equal(orders(server).length, 2, 'a rejection sends nothing')
  t.equal((await call(server, 'POST', '/api/v1/order-proposals/99999/approve', { by: 'mgr-ann' })).body.error.code, 'EDGE_ERR_PROPOSAL_UNKNOWN')

  t.same((await auditOf(server, `proposal:${b.id}`)).map((e) => [e.kind, e.actor, e.reason]), [
    ['proposal.recommended', 'system', b.reviewReasons.join('; ')],
    ['proposal.modified', 'mgr-ann', 'more for the weekend']
  ])
  t.same((await auditOf(server, `proposal:${c.id}`)).map((e) => e.kind), ['proposal.recommended', 'proposal.rejected'])
  const csv = await server.app.inject({ url: '/api/v1/audit?kind=proposal.*&format=csv' })
  t.match(csv.body, /proposal\.modified/)
  const kpis = await call(server, 'GET', '/api/v1/kpis?hours=24')
  t.match(kpis.body.orderProposals, { made: 3, autoApproved: 0, managerApproved: 1, modified: 1, rejected: 1, autoApprovedPct: 0, overridePct: 66.7 })
})

t.test('an undecided proposal expires and cannot be approved after', async (t) => {
  const server = await orderServer(t)
  await setPolicies(server, 'defaults:\n  proposalTtlHours: 2\n  autoApprove:\n    maxValue: 1\n')
  await runProposals(server)
  const [p] = await proposalsOf(server, 'state=pending&sku=FOODS_1_002')
  t.equal(p.expiresAt, '2016-03-01T23:30:00.000Z')
  await advance(server, 2 * 60 + 1)
  const late = await call(server, 'POST', `/api/v1/order-proposals/${p.id}/approve`, { by: 'mgr-ann' })
  t.equal(late.status, 409)
  t.equal(late.body.error.code, 'EDGE_ERR_PROPOSAL_EXPIRED')
  t.equal((await call(server, 'GET', `/api/v1/order-proposals/${p.id}`)).body.proposal.state, 'expired')
  t.same((await auditOf(server, `proposal:${p.id}`)).map((e) => e.kind), ['proposal.recommended', 'proposal.expired'])
  t.equal(orders(server).length, 0)
})

t.test('stale inputs fall back to min-max and wait for review', async (t) => {
  const server = await orderServer(t)
  const sale = await call(server, 'POST', '/api/v1/clock', undefined)
  t.ok(sale.status >= 400, 'the clock is moved with PUT')
  // A count open for FOODS_1_002: its record is in doubt.
  const count = await call(server, 'POST', '/api/v1/tasks', { kind: 'count', sku: 'FOODS_1_002', location: 'A01-2', value: 1, laborMin: 3, why: { rule: 'test' } })
  t.equal(count.status, 201)
  await runProposals(server)
  const [doubt] = await proposalsOf(server, 'sku=FOODS_1_002')
  t.equal(doubt.fallback, true)
  t.match(doubt.reviewReasons[0], /fallback to min-max: inventory unreconciled: a count of the item is open/)
  t.equal(doubt.state, 'pending')
  t.equal(doubt.qty, doubt.minMaxQty, 'the quantity is min-max')
  const [fresh] = await proposalsOf(server, 'sku=FOODS_1_001')
  t.equal(fresh.fallback, false, 'other items are not in doubt')
})

t.test("each run's forecasts are kept and scored against what then sold", async (t) => {
  const server = await orderServer(t)
  await runProposals(server)
  const f = await call(server, 'GET', '/api/v1/forecasts/FOODS_1_001')
  t.equal(f.status, 200)
  t.match(f.body, { sku: 'FOODS_1_001', madeDay: '2016-03-01', demandClass: 'smooth' })
  t.ok(f.body.daily.length >= 8, 'a week ahead at least')
  // Wednesday sells 15 where the forecast said about 12; the other items sell nothing.
  await call(server, 'POST', '/api/v1/sales/history', { sales: [{ sku: 'FOODS_1_001', day: '2016-03-02', units: 15 }] })
  await advance(server, 26 * 60 + 30)
  const acc = await call(server, 'GET', '/api/v1/forecasts/accuracy?days=7')
  t.equal(acc.status, 200)
  t.equal(acc.body.to, '2016-03-03')
  const smooth = acc.body.byClass.find((r: any) => r.demandClass === 'smooth')
  t.equal(smooth.n, 3, "the three items' Tuesday forecasts of Wednesday (all smooth sellers)")
  const all = acc.body.byClass.find((r: any) => r.demandClass === 'all')
  t.equal(all.n, 3)
  t.ok(all.dayAhead.bias > 0, 'two items sold nothing: over-forecast on average')
  t.equal((await call(server, 'GET', '/api/v1/forecasts/NOPE')).body.error.code, 'EDGE_ERR_UNKNOWN_SKU')
})
