// POST /api/v1/events: a handheld or integration posts canonical events as itself. Each event is
// answered on its own (accepted, duplicate, rejected with a code), a replay applies nothing twice,
// and the effect on positions is committed with the event.

import t from 'tap'
import { basic, inTransitOf, minutesAgo, onHandOf, postEvents } from './api.js'
import { startTestServer } from '../helpers/server.js'

t.test('posting needs the device id and secret as HTTP Basic credentials', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const events = [{ id: 'e1', type: 'scan', sku: 'FOODS_1_001', occurredAt: minutesAgo(1) }]
  for (const [why, authorization] of [
    ['no credentials', undefined],
    ['a wrong secret', basic('hh-1', secret + 'x')],
    ['an unknown device', basic('hh-9', secret)],
    ['no colon in the credentials', 'Basic ' + Buffer.from('hh-1' + secret).toString('base64')],
    ['an empty device id', basic('', secret)],
    ['a bearer token', `Bearer ${secret}`]
  ] as const) {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers: authorization ? { authorization } : {}, payload: { events } })
    t.equal(res.statusCode, 401, why)
    t.equal(res.json().error.code, 'EDGE_ERR_UNAUTHORIZED', why)
  }
  t.equal((await server.app.inject({ url: '/api/v1/events' })).json().events.length, 0, 'nothing was journaled')
  const ok = await postEvents(server, basic('hh-1', secret), events)
  t.equal(ok.status, 200)
  t.equal(ok.body.accepted, 1)
})

t.test('a batch of sale, pick, putaway, receipt and cycle count moves stock; its replay moves nothing', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  // Before: FOODS_1_001 10 on shelf A01-1, 24 in backroom BR-01; FOODS_1_002 8 on shelf A01-2.
  const batch = [
    { id: 'off-1', type: 'sale', sku: 'FOODS_1_001', qty: 2, occurredAt: minutesAgo(50) }, // from its home shelf A01-1
    { id: 'off-2', type: 'pick', sku: 'FOODS_1_001', qty: 6, location: 'A01-1', data: { from: 'BR-01' }, occurredAt: minutesAgo(40) },
    { id: 'off-3', type: 'putaway', sku: 'FOODS_1_001', qty: 6, location: 'A01-1', occurredAt: minutesAgo(30) },
    { id: 'off-4', type: 'receipt', gtin: '5901234123457', qty: 10, location: 'BR-02', occurredAt: minutesAgo(20) },
    { id: 'off-5', type: 'cycle_count', sku: 'FOODS_1_002', qty: 5, location: 'A01-2', occurredAt: minutesAgo(10) },
    { id: 'off-6', type: 'sale', gtin: '96385074', qty: 1, occurredAt: minutesAgo(5) } // GTIN-8 of FOODS_1_002
  ]
  const first = await postEvents(server, auth, batch)
  t.equal(first.status, 200)
  t.match(first.body, { accepted: 6, duplicates: 0, rejected: 0 })
  t.same(first.body.results.map((r) => [r.index, r.id, r.status]), batch.map((e, i) => [i, e.id, 'accepted']))
  const seqs = first.body.results.map((r) => r.seq!)
  t.same(seqs, [...seqs].sort((a, b) => a - b), 'journal seqs follow the batch order')

  const expectedOnHand = {
    FOODS_1_001: { 'A01-1': 10 - 2 + 6, 'BR-01': 24 - 6 },
    FOODS_1_002: { 'A01-2': 5 - 1, 'BR-02': 10 }
  }
  t.same(await onHandOf(server, 'FOODS_1_001'), expectedOnHand.FOODS_1_001)
  t.same(await onHandOf(server, 'FOODS_1_002'), expectedOnHand.FOODS_1_002)
  t.same(await inTransitOf(server, 'FOODS_1_001'), {}, 'the putaway completed the shelf fill the pick started')
  const item = (await server.app.inject({ url: '/api/v1/items/FOODS_1_002' })).json()
  t.same(item.totals, { onHand: 14, shelf: 4, backroom: 10, inTransit: 0, reserved: 0 })
  t.match(item.ledger[0], { location: 'A01-2', delta: -1, balance: 4, reason: 'sale' }, 'newest ledger entry first')

  // The handheld lost the reply and comes back online: it sends the same batch again.
  const replay = await postEvents(server, auth, batch)
  t.equal(replay.status, 200)
  t.match(replay.body, { accepted: 0, duplicates: 6, rejected: 0 })
  t.same(replay.body.results.map((r) => r.status), Array(6).fill('duplicate'))
  t.same(await onHandOf(server, 'FOODS_1_001'), expectedOnHand.FOODS_1_001, 'positions did not move again')
  t.same(await onHandOf(server, 'FOODS_1_002'), expectedOnHand.FOODS_1_002)
  t.equal((await server.app.inject({ url: '/api/v1/events?limit=100' })).json().events.length, 6, 'and the journal holds each event once')

  // Half old, half new: only the new ones apply.
  const more = await postEvents(server, auth, [batch[0], { id: 'off-7', type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: minutesAgo(1) }])
  t.same(more.body.results.map((r) => r.status), ['duplicate', 'accepted'])
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 13, 'BR-01': 18 })
})

t.test('the same event twice in one batch is applied once', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('pos-1', server.addDevice('pos-1', 'pos-sales-feed'))
  const sale = { id: 'basket-7:1', type: 'sale', sku: 'DAIRY_1_001', qty: 3, occurredAt: minutesAgo(1) }
  const res = await postEvents(server, auth, [sale, sale])
  t.same(res.body.results.map((r) => r.status), ['accepted', 'duplicate'])
  t.same(await onHandOf(server, 'DAIRY_1_001'), { 'COOL-1': 17 })
})

t.test('event ids are per device: two devices may use the same id', async (t) => {
  const server = await startTestServer(t)
  const a = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const b = basic('hh-2', server.addDevice('hh-2', 'handheld-scanner-app'))
  const sale = { id: '1', type: 'sale', sku: 'DAIRY_1_001', qty: 1, occurredAt: minutesAgo(1) }
  t.equal((await postEvents(server, a, [sale])).body.accepted, 1)
  t.equal((await postEvents(server, b, [sale])).body.accepted, 1)
  t.same(await onHandOf(server, 'DAIRY_1_001'), { 'COOL-1': 18 })
})

t.test('bad events are rejected one by one with a stable code and kept as dead letters', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const now = Date.now()
  const at = minutesAgo(1, now)
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['unknown GTIN', { type: 'scan', gtin: '4006381333924' }, 'EDGE_ERR_UNKNOWN_GTIN'],
    ['bad check digit', { type: 'scan', gtin: '4006381333932' }, 'EDGE_ERR_BAD_CHECK_DIGIT'],
    ['not a GTIN', { type: 'scan', gtin: '12345' }, 'EDGE_ERR_BAD_GTIN'],
    ['unknown SKU', { type: 'sale', sku: 'NO_SUCH_SKU', qty: 1 }, 'EDGE_ERR_UNKNOWN_SKU'],
    ['unknown location', { type: 'receipt', sku: 'FOODS_1_001', qty: 1, location: 'Z-99' }, 'EDGE_ERR_UNKNOWN_LOCATION'],
    ['unknown pick source', { type: 'pick', sku: 'FOODS_1_001', qty: 1, location: 'A01-1', data: { from: 'BR-99' } }, 'EDGE_ERR_UNKNOWN_LOCATION'],
    ['negative sale', { type: 'sale', sku: 'FOODS_1_001', qty: -1 }, 'EDGE_ERR_BAD_QTY'],
    ['zero sale', { type: 'sale', sku: 'FOODS_1_001', qty: 0 }, 'EDGE_ERR_BAD_QTY'],
    ['absurd quantity', { type: 'receipt', sku: 'FOODS_1_001', qty: 100_001, location: 'BR-01' }, 'EDGE_ERR_BAD_QTY'],
    ['far in the future', { type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: new Date(now + 3600_000).toISOString() }, 'EDGE_ERR_BAD_TIME'],
    ['far in the past', { type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: new Date(now - 30 * 86400_000).toISOString() }, 'EDGE_ERR_BAD_TIME'],
    ['not a time', { type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: 'yesterday' }, 'EDGE_ERR_BAD_TIME'],
    ['another device', { type: 'sale', sku: 'FOODS_1_001', qty: 1, deviceId: 'hh-2' }, 'EDGE_ERR_DEVICE_MISMATCH'],
    ['another store', { type: 'sale', sku: 'FOODS_1_001', qty: 1, storeId: 'store-2' }, 'EDGE_ERR_BAD_EVENT'],
    ['pick without a source', { type: 'pick', sku: 'FOODS_1_001', qty: 1, location: 'A01-1' }, 'EDGE_ERR_BAD_EVENT'],
    ['sale without a quantity', { type: 'sale', sku: 'FOODS_1_001' }, 'EDGE_ERR_BAD_EVENT'],
    ['GTIN of another SKU', { type: 'sale', sku: 'FOODS_1_001', gtin: '5901234123457', qty: 1 }, 'EDGE_ERR_BAD_EVENT']
  ]
  const good = { id: 'good', type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: at }
  const events = [good, ...cases.map(([, e], i) => ({ id: `bad-${i}`, occurredAt: at, ...e }))]
  const res = await postEvents(server, auth, events)
  t.equal(res.status, 200, 'the batch is answered; bad events do not fail the good ones')
  t.match(res.body, { accepted: 1, duplicates: 0, rejected: cases.length })
  t.equal(res.body.results[0].status, 'accepted')
  cases.forEach(([why, , code], i) => {
    const r = res.body.results[i + 1]
    t.match(r, { index: i + 1, id: `bad-${i}`, status: 'rejected', error: { code, message: /\S/ } }, why)
  })
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 9, 'BR-01': 24 }, 'only the good sale moved stock')

  const dead = (await server.app.inject({ url: '/api/v1/dead-letters' })).json().deadLetters as Array<{ reason: string, deviceId: string, transport: string, channel: string, raw: string, detail: string }>
  t.same(dead.map((d) => d.reason), cases.map(([, , code]) => code), 'each rejection is a dead letter, in order')
  t.match(dead[0], { deviceId: 'hh-1', transport: 'http', channel: 'POST /api/v1/events', detail: /4006381333924/ })
  t.same(JSON.parse(dead[0].raw), events[1], 'with the event as posted')

  const unknownGtins = (await server.app.inject({ url: '/api/v1/dead-letters/unknown-gtins' })).json().gtins
  t.match(unknownGtins, [{ gtin: '04006381333924', count: 1, devices: ['hh-1'] }])
  t.equal(unknownGtins.length, 1, 'only the unknown GTIN is up for review, not the malformed ones')

  const replay = await postEvents(server, auth, events)
  t.match(replay.body, { accepted: 0, duplicates: 1, rejected: cases.length }, 'a retried bad event is rejected again')
})

t.test('dead letters are listed by reason and by device, and paged', async (t) => {
  const server = await startTestServer(t)
  const a = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const b = basic('hh-2', server.addDevice('hh-2', 'handheld-scanner-app'))
  const at = minutesAgo(1)
  await postEvents(server, a, [
    { id: '1', type: 'scan', gtin: '4006381333924', occurredAt: at },
    { id: '2', type: 'sale', sku: 'FOODS_1_001', qty: -5, occurredAt: at },
    { id: '3', type: 'scan', gtin: '4006381333924', occurredAt: at }
  ])
  await postEvents(server, b, [{ id: '1', type: 'scan', gtin: '4006381333924', occurredAt: at }])
  const list = async (query: string) => (await server.app.inject({ url: `/api/v1/dead-letters${query}` })).json().deadLetters as Array<{ id: number, reason: string, deviceId: string }>

  t.equal((await list('')).length, 4)
  t.same((await list('?reason=EDGE_ERR_UNKNOWN_GTIN')).map((d) => d.deviceId), ['hh-1', 'hh-1', 'hh-2'])
  t.same((await list('?reason=EDGE_ERR_BAD_QTY')).map((d) => d.deviceId), ['hh-1'])
  t.same(await list('?reason=EDGE_ERR_NOTHING_LIKE_IT'), [])
  t.same((await list('?deviceId=hh-2')).map((d) => d.reason), ['EDGE_ERR_UNKNOWN_GTIN'])
  const firstTwo = await list('?limit=2')
  t.equal(firstTwo.length, 2)
  t.same((await list(`?afterId=${firstTwo[1].id}`)).map((d) => d.deviceId), ['hh-1', 'hh-2'], 'afterId pages on')
  const [review] = (await server.app.inject({ url: '/api/v1/dead-letters/unknown-gtins' })).json().gtins
  t.match(review, { gtin: '04006381333924', count: 3 }, 'one GTIN up for review, seen three times')
  t.same(review.devices.sort(), ['hh-1', 'hh-2'], 'by both devices')

  const bad = await server.app.inject({ url: '/api/v1/dead-letters?limit=0' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.code, 'EDGE_ERR_VALIDATION')
})
