// Item lookup on a handheld: a scanned GTIN (any length, check digit verified) or a typed SKU gives
// the item, every position with its zone, its shelf risk and its live tasks; a misread code, an
// unknown item, a missing or expired token get clear codes.

import t from 'tap'
import { checkDigitOf } from '../../src/core/gtin.js'
import { advance, createTask, handheld, startTaskServer, type Hand } from './helpers.js'
import type { TestServer } from '../helpers/server.js'

async function lookup (server: TestServer, hand: Pick<Hand, 'auth' | 'token'>, code: string): Promise<{ status: number, body: any }> {
  const headers: Record<string, string> = { authorization: hand.auth }
  if (hand.token !== '') headers['x-associate-token'] = hand.token
  const res = await server.app.inject({ url: `/api/v1/handheld/items/${encodeURIComponent(code)}`, headers })
  return { status: res.statusCode, body: res.json() }
}

t.test('a scanned GTIN-13 finds the item: master data, positions with zones, shelf risk, live tasks', async (t) => {
  const server = await startTaskServer(t)
  await server.risk.rescoreAll()
  const ann = await handheld(server, 'hh-1', 'ann')
  const count = await createTask(server, { kind: 'count', sku: 'FOODS_1_001', location: 'BR-01', value: 1, laborMin: 3 })
  const other = await createTask(server, { kind: 'count', sku: 'FOODS_1_002', location: 'A01-2', value: 1, laborMin: 3 })
  t.equal(count.status, 201)

  const res = await lookup(server, ann, '4006381333931') // the item master keeps it as 04006381333931
  t.equal(res.status, 200)
  t.equal(res.body.matchedBy, 'gtin')
  t.same(res.body.item, { sku: 'FOODS_1_001', name: 'Oat cereal 500 g', category: 'FOODS', price: 3.49, casePack: 12, shelfCapacity: 24, gtins: ['04006381333931'] })
  t.same(res.body.positions, [
    { location: 'A01-1', kind: 'shelf', zone: 'grocery', onHand: 10, inTransit: 0, reserved: 0 },
    { location: 'BR-01', kind: 'backroom', zone: null, onHand: 24, inTransit: 0, reserved: 0 }
  ])
  t.equal(res.body.risk.length, 1, 'its one shelf is scored')
  const [risk] = res.body.risk
  t.equal(risk.location, 'A01-1')
  t.ok(risk.score >= 0 && risk.score <= 1, `score ${risk.score}`)
  t.ok(['model', 'rules'].includes(risk.scorer))
  t.type(risk.version, 'string')
  t.ok(Array.isArray(risk.why) && risk.why.length <= 3, 'the top reasons')
  const page = (await server.app.inject({ url: '/api/v1/items/FOODS_1_001' })).json()
  t.match(page.risk[0], { location: 'A01-1', score: risk.score, scorer: risk.scorer, version: risk.version, reason: risk.reason, why: risk.why }, "the RiskService's current score, as the item page shows it")
  const ids = res.body.tasks.map((x: { id: number }) => x.id)
  t.ok(ids.includes(count.body.task.id), 'its count task is listed')
  t.notOk(ids.includes(other.body.task.id), "another item's task is not")
  t.ok(res.body.tasks.every((x: { state: string }) => ['open', 'claimed', 'started'].includes(x.state)), 'only live tasks')
  t.match(res.body.tasks.find((x: { id: number }) => x.id === count.body.task.id), { kind: 'count', location: 'BR-01', state: 'open', assignee: null, version: 1 })

  const cancelled = await server.app.inject({ method: 'POST', url: `/api/v1/tasks/${count.body.task.id}/cancel`, payload: { reason: 'test' } })
  t.equal(cancelled.statusCode, 200)
  const after = await lookup(server, ann, '4006381333931')
  t.notOk(after.body.tasks.some((x: { id: number }) => x.id === count.body.task.id), 'a cancelled task is no longer live')
})

t.test('a GTIN-8, a GTIN-13 and the SKU of one item all find it', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  for (const [code, by] of [['96385074', 'gtin'], ['5901234123457', 'gtin'], ['05901234123457', 'gtin'], ['FOODS_1_002', 'sku']]) {
    const res = await lookup(server, ann, code)
    t.equal(res.status, 200, code)
    t.equal(res.body.item.sku, 'FOODS_1_002', code)
    t.equal(res.body.matchedBy, by, code)
  }
  const dairy = await lookup(server, ann, 'DAIRY_1_001')
  t.same(dairy.body.positions.map((p: { location: string, zone: string }) => [p.location, p.zone]), [['COOL-1', 'dairy']])
  t.same(dairy.body.risk, [], 'not scored yet: an empty list')
})

t.test('a wrong check digit is 400 EDGE_ERR_BAD_CHECK_DIGIT; an unknown GTIN or SKU is 404 EDGE_ERR_ITEM_UNKNOWN', async (t) => {
  const server = await startTaskServer(t)
  const ann = await handheld(server, 'hh-1', 'ann')
  const bad = await lookup(server, ann, '4006381333932') // last digit misread
  t.equal(bad.status, 400)
  t.equal(bad.body.error.code, 'EDGE_ERR_BAD_CHECK_DIGIT')
  const body = '400638133394'
  const unknownGtin = `${body}${checkDigitOf(body)}`
  for (const code of [unknownGtin, 'NOPE_1', '12345']) {
    const res = await lookup(server, ann, code)
    t.equal(res.status, 404, code)
    t.equal(res.body.error.code, 'EDGE_ERR_ITEM_UNKNOWN', code)
  }
})

t.test('the lookup needs the device credentials and a live associate token', async (t) => {
  const server = await startTaskServer(t, { associateTokenTtlMin: 5 })
  const ann = await handheld(server, 'hh-1', 'ann')
  const none = await lookup(server, { auth: ann.auth, token: '' }, 'FOODS_1_001')
  t.equal(none.status, 401)
  t.equal(none.body.error.code, 'EDGE_ERR_TOKEN_MISSING')
  const noDevice = await lookup(server, { auth: '', token: ann.token }, 'FOODS_1_001')
  t.equal(noDevice.status, 401)
  t.equal(noDevice.body.error.code, 'EDGE_ERR_UNAUTHORIZED')
  t.equal((await lookup(server, ann, 'FOODS_1_001')).status, 200)
  await advance(server, 6) // minutes: past the 5-minute token life
  const expired = await lookup(server, ann, 'FOODS_1_001')
  t.equal(expired.status, 401)
  t.equal(expired.body.error.code, 'EDGE_ERR_TOKEN_EXPIRED')
})
