// Receiving against a real server on the sim clock: an ASN is posted, the dock scans one case
// short and an item that was not on it, and the ASN closes by itself receivingCloseMin after the
// last receipt: two review tasks and two ERP-bound receiving_discrepancy rows, once, however often
// the receipts are replayed. Reviews are completed from a handheld (accept, recount). Bad input
// gets stable codes; the tally survives a restart.

import t from 'tap'
import { OutboxRows } from '../../src/store/outbox-rows.js'
import { rmrf } from '../helpers/server.js'
import { onHandOf } from '../http/api.js'
import { act, advance, handheld } from './helpers.js'
import { closeAsn, dockServer, getAsn, postAsn, tasksOf } from './receiving-helpers.js'

const ASN = {
  id: 'ASN-100',
  supplier: 'Cereal Co',
  lines: [{ sku: 'FOODS_1_001', qty: 24, cases: 2 }, { sku: 'FOODS_1_002', qty: 10, cases: 1 }]
}

t.test('one case short and a wrong item: the ASN closes by itself after the quiet time with two reviews and two ERP rows, once', async (t) => {
  const dock = await dockServer(t)
  const { server } = dock
  const made = await postAsn(server, ASN)
  t.equal(made.status, 201)
  t.match(made.body, { created: true, asn: { id: 'ASN-100', state: 'open', supplier: 'Cereal Co' } })

  const receipts = [
    await dock.receipt('r1', 'FOODS_1_001', 12, 'ASN-100'),
    await dock.receipt('r2', 'FOODS_1_002', 10, 'ASN-100'),
    await dock.receipt('r3', 'DAIRY_1_001', 6, 'ASN-100')
  ]
  t.match(await dock.post(receipts), { accepted: 3 })
  t.match(await dock.post(receipts), { accepted: 0, duplicates: 3 }, 'a replayed batch is a duplicate')

  const open = (await getAsn(server, 'ASN-100')).body.asn
  t.same(open.lines.map((l: any) => [l.sku, l.expected, l.received, l.listed]), [
    ['FOODS_1_001', 24, 12, true],
    ['FOODS_1_002', 10, 10, true],
    ['DAIRY_1_001', 0, 6, false]
  ], 'received so far, replays counted once, the wrong item listed')
  t.equal(open.state, 'open')

  await advance(server, 59)
  t.equal((await getAsn(server, 'ASN-100')).body.asn.state, 'open', 'still open 59 minutes after the last receipt')
  t.same(await tasksOf(server, 'kind=review'), [], 'no review before the close')
  await advance(server, 2)
  const closed = (await getAsn(server, 'ASN-100')).body.asn
  t.match(closed, { state: 'closed', closedBy: 'auto' }, 'closed by itself after receivingCloseMin (60)')
  t.same(closed.discrepancies.map((d: any) => [d.sku, d.kind, d.expected, d.received]), [
    ['DAIRY_1_001', 'wrong_item', 0, 6],
    ['FOODS_1_001', 'short', 24, 12]
  ])

  const reviews = await tasksOf(server, 'kind=review')
  t.equal(reviews.length, 2, 'one review per discrepancy')
  const short = reviews.find((r) => r.sku === 'FOODS_1_001')!
  const wrong = reviews.find((r) => r.sku === 'DAIRY_1_001')!
  t.match(short, { location: 'RCV', qty: 12, laborMin: 5, state: 'open', why: { asn: 'ASN-100', sku: 'FOODS_1_001', kind: 'short', expected: 24, received: 12 } })
  t.same(short.lineage, ['rcv-scanner/r1'], 'the receipt events in the lineage')
  t.equal(short.value, 3.49 * 12 / 5, 'unit price x |difference| per labor minute')
  t.match(wrong, { location: 'RCV', qty: 6, why: { kind: 'wrong_item', expected: 0, received: 6 } })
  t.ok(short.value > wrong.value, 'the larger sum at stake first')
  t.equal(closed.discrepancies.find((d: any) => d.sku === 'FOODS_1_001').taskId, short.id)

  const outbox = new OutboxRows(server.db).after(0, 100, 'receiving_discrepancy')
  t.equal(outbox.length, 2, 'two ERP-bound rows')
  t.match(outbox.find((r) => r.sku === 'FOODS_1_001'), { eventId: 'receiving_discrepancy:ASN-100:FOODS_1_001', lane: 'normal', payload: { asn: 'ASN-100', kind: 'short', expected: 24, received: 12, difference: -12, reviewTaskId: short.id, receipts: ['rcv-scanner/r1'] } })

  // Replayed after the close: nothing changes.
  t.match(await dock.post(receipts), { accepted: 0, duplicates: 3 })
  await advance(server, 61)
  t.equal((await tasksOf(server, 'kind=review')).length, 2, 'still two reviews')
  t.equal(new OutboxRows(server.db).after(0, 100, 'receiving_discrepancy').length, 2, 'still two rows')
  const twice = await closeAsn(server, 'ASN-100')
  t.equal(twice.status, 409)
  t.equal(twice.body.error.code, 'EDGE_ERR_ASN_CLOSED')
})

t.test('reviews are completed from a handheld: accept, or recount with counts; each resolves its discrepancy once', async (t) => {
  const dock = await dockServer(t)
  const { server } = dock
  await postAsn(server, ASN)
  await dock.post([await dock.receipt('r1', 'FOODS_1_001', 12, 'ASN-100'), await dock.receipt('r2', 'FOODS_1_002', 10, 'ASN-100'), await dock.receipt('r3', 'DAIRY_1_001', 6, 'ASN-100')])
  const closed = await closeAsn(server, 'ASN-100')
  t.equal(closed.status, 200)
  t.equal(closed.body.discrepancies.length, 2)
  t.match(closed.body.asn, { state: 'closed', closedBy: 'api' })
  const reviews = await tasksOf(server, 'kind=review')
  const short = reviews.find((r) => r.sku === 'FOODS_1_001')!
  const wrong = reviews.find((r) => r.sku === 'DAIRY_1_001')!

  const ann = await handheld(server, 'hh-1', 'ann')
  const bad = await act(server, ann, [
    { actionId: 'a1', taskId: wrong.id, action: 'claim' },
    { actionId: 'a2', taskId: wrong.id, action: 'complete', result: { decision: 'maybe' } },
    { actionId: 'a3', taskId: short.id, action: 'claim' },
    { actionId: 'a4', taskId: short.id, action: 'complete', result: { decision: 'recount' } },
    { actionId: 'a5', taskId: short.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'NOWHERE', qty: 3 }] } }
  ])
  t.same(bad.body.results.map((r) => [r.actionId, r.status, r.error?.code ?? null]), [
    ['a1', 'accepted', null],
    ['a2', 'rejected', 'EDGE_ERR_REVIEW_DECISION'],
    ['a3', 'accepted', null],
    ['a4', 'rejected', 'EDGE_ERR_REVIEW_DECISION'],
    ['a5', 'rejected', 'EDGE_ERR_UNKNOWN_LOCATION']
  ], 'an unknown decision, a recount without counts and an unknown location are refused')
  t.equal((await getAsn(server, 'ASN-100')).body.asn.discrepancies.filter((d: any) => d.resolvedAt !== null).length, 0, 'nothing resolved by a refused completion')

  const good = await act(server, ann, [
    { actionId: 'b1', taskId: wrong.id, action: 'complete', result: { decision: 'accept' } },
    { actionId: 'b2', taskId: short.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 10 }] } }
  ])
  t.same(good.body.results.map((r) => r.status), ['accepted', 'accepted'])
  const ds = (await getAsn(server, 'ASN-100')).body.asn.discrepancies
  t.match(ds.find((d: any) => d.sku === 'DAIRY_1_001'), { decision: 'accept', resolvedAt: String })
  t.match(ds.find((d: any) => d.sku === 'FOODS_1_001'), { decision: 'recount', resolvedAt: String })
  t.equal((await onHandOf(server, 'FOODS_1_001')).RCV, 10, 'the recount corrected the record at the dock')
  t.ok(new OutboxRows(server.db).after(0, 100, 'inventory_adjustment').some((r) => r.sku === 'FOODS_1_001'), 'and told the ERP of the adjustment')
  t.equal((await onHandOf(server, 'DAIRY_1_001')).RCV, 6, 'an accepted receipt stands')

  const again = await act(server, ann, [{ actionId: 'c1', taskId: wrong.id, action: 'complete', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 0 }] } }])
  t.match(again.body.results[0], { status: 'conflict', error: { code: 'EDGE_ERR_TASK_CONFLICT' } }, 'completing twice is a conflict')
  t.equal((await onHandOf(server, 'DAIRY_1_001')).RCV, 6, 'and applies nothing')
  t.equal((await getAsn(server, 'ASN-100')).body.asn.discrepancies.find((d: any) => d.sku === 'DAIRY_1_001').decision, 'accept', 'the first decision stands')
})

t.test('bad ASNs get stable codes and change nothing', async (t) => {
  const { server } = await dockServer(t)
  t.equal((await postAsn(server, ASN)).status, 201)
  const same = await postAsn(server, { ...ASN, lines: [...ASN.lines].reverse() })
  t.equal(same.status, 200, 'the same lines in another order: the same ASN')
  t.equal(same.body.created, false)

  const cases: Array<[string, unknown, number, string]> = [
    ['the same id with other lines', { ...ASN, lines: [{ sku: 'FOODS_1_001', qty: 12 }] }, 409, 'EDGE_ERR_ASN_CONFLICT'],
    ['an unknown SKU', { id: 'ASN-2', lines: [{ sku: 'NOPE', qty: 1 }] }, 422, 'EDGE_ERR_UNKNOWN_SKU'],
    ['no lines', { id: 'ASN-3', lines: [] }, 400, 'EDGE_ERR_VALIDATION'],
    ['a negative quantity', { id: 'ASN-4', lines: [{ sku: 'FOODS_1_001', qty: -5 }] }, 422, 'EDGE_ERR_BAD_QTY'],
    ['an absurd quantity', { id: 'ASN-5', lines: [{ sku: 'FOODS_1_001', qty: 1e9 }] }, 422, 'EDGE_ERR_BAD_QTY'],
    ['a SKU listed twice', { id: 'ASN-6', lines: [{ sku: 'FOODS_1_001', qty: 1 }, { sku: 'FOODS_1_001', qty: 2 }] }, 422, 'EDGE_ERR_ASN_INVALID'],
    ['a fractional quantity', { id: 'ASN-7', lines: [{ sku: 'FOODS_1_001', qty: 1.5 }] }, 400, 'EDGE_ERR_VALIDATION']
  ]
  for (const [what, body, status, code] of cases) {
    const res = await postAsn(server, body)
    t.equal(res.status, status, what)
    t.equal(res.body.error?.code, code, what)
  }
  const list = await server.app.inject({ url: '/api/v1/asns' })
  t.same(list.json().asns.map((a: any) => a.id), ['ASN-100'], 'only the good one was stored')
  t.same((await getAsn(server, 'ASN-100')).body.asn.lines.map((l: any) => [l.sku, l.expected, l.cases]), [['FOODS_1_001', 24, 2], ['FOODS_1_002', 10, 1]], 'with its first lines')

  const unknown = await getAsn(server, 'ASN-404')
  t.equal(unknown.status, 404)
  t.equal(unknown.body.error.code, 'EDGE_ERR_ASN_UNKNOWN')
  t.equal((await closeAsn(server, 'ASN-404')).body.error.code, 'EDGE_ERR_ASN_UNKNOWN')

  // Closed with nothing received: every line is short, reviewed at the dock.
  const closed = await closeAsn(server, 'ASN-100')
  t.equal(closed.status, 200)
  t.same(closed.body.discrepancies.map((d: any) => [d.sku, d.kind, d.received]), [['FOODS_1_001', 'short', 0], ['FOODS_1_002', 'short', 0]])
  t.same((await tasksOf(server, 'kind=review')).map((r) => r.location), ['RCV', 'RCV'])
  const twice = await closeAsn(server, 'ASN-100')
  t.equal(twice.status, 409)
  t.equal(twice.body.error.code, 'EDGE_ERR_ASN_CLOSED')
  t.equal((await tasksOf(server, 'kind=review')).length, 2, 'closing twice raises nothing more')
  t.equal(new OutboxRows(server.db).after(0, 100, 'receiving_discrepancy').length, 2)
  t.same((await server.app.inject({ url: '/api/v1/asns?state=open' })).json().asns, [])
  t.same((await server.app.inject({ url: '/api/v1/asns?state=closed' })).json().asns.map((a: any) => a.id), ['ASN-100'])
  t.equal((await server.app.inject({ url: '/api/v1/asns?state=shut' })).statusCode, 400)
})

t.test('the tally survives a restart, including receipts whose listener never ran', async (t) => {
  const first = await dockServer(t, {}, { keepData: true })
  const dataDir = first.server.dataDir
  t.teardown(() => rmrf(dataDir))
  await postAsn(first.server, ASN)
  await first.post([await first.receipt('r1', 'FOODS_1_001', 12, 'ASN-100'), await first.receipt('r2', 'FOODS_1_002', 4, 'ASN-100')])
  // As if the process died after the journal committed r2 and before its listener recorded it.
  first.server.db.prepare("DELETE FROM asn_receipts WHERE event_id = 'r2'").run()
  await first.server.close()

  const again = await dockServer(t, {}, { dataDir, masterData: false, auth: first.auth })
  const asn = (await getAsn(again.server, 'ASN-100')).body.asn
  t.same(asn.lines.map((l: any) => [l.sku, l.received]), [['FOODS_1_001', 12], ['FOODS_1_002', 4]], 'both receipts counted after the restart')
  t.match(await again.post([await again.receipt('r1', 'FOODS_1_001', 12, 'ASN-100')]), { duplicates: 1 }, 'a replay after the restart is still a duplicate')
  const closed = await closeAsn(again.server, 'ASN-100')
  t.same(closed.body.discrepancies.map((d: any) => [d.sku, d.kind, d.received]), [['FOODS_1_001', 'short', 12], ['FOODS_1_002', 'short', 4]])
})
