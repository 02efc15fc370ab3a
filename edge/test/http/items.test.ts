// The item master over HTTP: listing, one item with its positions and ledger, and imports of
// items, locations and on-hand from JSON or CSV (all rows or none).

import t from 'tap'
import { basic, minutesAgo, onHandOf, postEvents } from './api.js'
import { startTestServer } from '../helpers/server.js'

t.test('the item list pages and searches by SKU or description', async (t) => {
  const server = await startTestServer(t)
  const all = (await server.app.inject({ url: '/api/v1/items' })).json()
  t.equal(all.total, 3)
  t.same(all.items.map((i: { sku: string }) => i.sku), ['DAIRY_1_001', 'FOODS_1_001', 'FOODS_1_002'], 'in SKU order')
  t.match(all.items[1], { sku: 'FOODS_1_001', description: 'Oat cereal 500 g', casePack: 12, unitPrice: 3.49, homeLocation: 'A01-1', gtins: ['04006381333931'] })

  const page2 = (await server.app.inject({ url: '/api/v1/items?limit=2&offset=2' })).json()
  t.same(page2.items.map((i: { sku: string }) => i.sku), ['FOODS_1_002'])
  t.equal(page2.total, 3, 'total counts every match, not the page')

  const corn = (await server.app.inject({ url: '/api/v1/items?q=corn' })).json()
  t.same(corn.items.map((i: { sku: string }) => i.sku), ['FOODS_1_002'], 'q matches the description, case-insensitively')
  t.equal(corn.total, 1)
  const foods = (await server.app.inject({ url: '/api/v1/items?q=FOODS_1' })).json()
  t.equal(foods.total, 2, 'and the SKU')

  for (const url of ['/api/v1/items?limit=0', '/api/v1/items?limit=1001', '/api/v1/items?offset=-1', '/api/v1/items?colour=red']) {
    const res = await server.app.inject({ url })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().error.code, 'EDGE_ERR_VALIDATION')
  }
})

t.test('one item shows positions per location, shelf and backroom totals, and the recent ledger', async (t) => {
  const server = await startTestServer(t)
  const res = await server.app.inject({ url: '/api/v1/items/FOODS_1_001' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body.item, { sku: 'FOODS_1_001', description: 'Oat cereal 500 g' })
  t.match(body.positions, [
    { location: 'A01-1', kind: 'shelf', onHand: 10, inTransit: 0, reserved: 0 },
    { location: 'BR-01', kind: 'backroom', onHand: 24, inTransit: 0, reserved: 0 }
  ])
  t.equal(body.positions.length, 2)
  t.same(body.totals, { onHand: 34, shelf: 10, backroom: 24, inTransit: 0, reserved: 0 })
  t.equal(body.ledger.length, 2, 'the on-hand snapshot is in the ledger')
  t.same(body.ledger.map((l: { location: string, delta: number, balance: number }) => [l.location, l.delta, l.balance]).sort(), [['A01-1', 10, 10], ['BR-01', 24, 24]])

  const limited = (await server.app.inject({ url: '/api/v1/items/FOODS_1_001?ledger=1' })).json()
  t.equal(limited.ledger.length, 1, '?ledger= limits the recent ledger')

  const unknown = await server.app.inject({ url: '/api/v1/items/NO_SUCH_SKU' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.code, 'EDGE_ERR_NOT_FOUND')
  t.match(unknown.json().error.message, /NO_SUCH_SKU/)
})

t.test('a JSON import of locations, items and on-hand', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/items/import',
    payload: {
      locations: [{ id: 'S1', kind: 'shelf' }, { id: 'B1', kind: 'backroom' }],
      items: [{ sku: 'TEA_1', description: 'Green tea 20 bags', gtins: ['96385074'], case_pack: 12, home_location: 'S1' }],
      onHand: [{ sku: 'TEA_1', location: 'S1', qty: 5 }, { sku: 'TEA_1', location: 'B1', qty: 12 }]
    }
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { imported: { locations: 2, items: 1, onHand: 2 } })
  t.same(await onHandOf(server, 'TEA_1'), { B1: 12, S1: 5 })
  const locations = (await server.app.inject({ url: '/api/v1/locations' })).json().locations
  t.same(locations.map((l: { id: string, kind: string }) => [l.id, l.kind]), [['B1', 'backroom'], ['S1', 'shelf']])
})

t.test('a CSV import with ?kind=items, and the new GTIN is accepted by POST /events at once', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const auth = basic('hh-1', secret)
  const sale = { id: 'tea-sale-1', type: 'sale', gtin: '9780201379624', qty: 1, occurredAt: minutesAgo(1) }

  const before = await postEvents(server, auth, [sale])
  t.equal(before.body.results[0].error?.code, 'EDGE_ERR_UNKNOWN_GTIN', 'the GTIN is unknown before the import')

  const csv = [
    'sku,description,gtins,category,case_pack,unit_price,home_location',
    'TEA_1,"Tea, green 20 bags",9780201379624,FOODS,12,2.50,A01-2',
    'TEA_2,Black tea,,FOODS,6,1.99,A01-2'
  ].join('\r\n')
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/items/import?kind=items', headers: { 'content-type': 'text/csv' }, payload: csv })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { imported: { locations: 0, items: 2, onHand: 0 } })
  t.match((await server.app.inject({ url: '/api/v1/items/TEA_1' })).json().item, { description: 'Tea, green 20 bags', gtins: ['09780201379624'] })

  const after = await postEvents(server, auth, [{ ...sale, id: 'tea-sale-2' }])
  t.equal(after.body.accepted, 1, 'accepted right after the import, without waiting for a cache refresh')
  t.same(await onHandOf(server, 'TEA_1'), { 'A01-2': -1 }, 'sold from its home shelf')
  const gtins = (await server.app.inject({ url: '/api/v1/dead-letters/unknown-gtins' })).json().gtins
  t.same(gtins, [], 'an unknown GTIN that is now in the item master leaves the review list')
})

t.test('a CSV with a bad row is refused with 422 naming the line, and nothing is imported', async (t) => {
  const server = await startTestServer(t)
  const csv = [
    'sku,description,gtins,case_pack,home_location',
    'NEW_1,Fine item,,6,A01-1',
    'NEW_2,Bad check digit,4006381333932,6,A01-1',
    'NEW_3,Fine as well,,6,A01-1',
    'NEW_4,Negative pack,,-2,A01-1'
  ].join('\n')
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/items/import?kind=items', headers: { 'content-type': 'text/csv' }, payload: csv })
  t.equal(res.statusCode, 422)
  const error = res.json().error
  t.equal(error.code, 'EDGE_ERR_IMPORT_INVALID')
  t.match(error.message, /2 problem\(s\), nothing was imported/)
  t.match(error.details.problems, [
    { line: 3, field: 'gtins', message: /check digit/ },
    { line: 5, field: 'case_pack', message: /at least 1/ }
  ])
  t.equal(error.details.problems.length, 2)
  t.equal((await server.app.inject({ url: '/api/v1/items' })).json().total, 3, 'not even the good rows')
  t.equal((await server.app.inject({ url: '/api/v1/items/NEW_1' })).statusCode, 404)

  const onHand = await server.app.inject({ method: 'POST', url: '/api/v1/items/import?kind=on-hand', headers: { 'content-type': 'text/csv' }, payload: 'sku,location,qty\nFOODS_1_001,A01-1,7\nFOODS_1_001,NOWHERE,3\n' })
  t.equal(onHand.statusCode, 422)
  t.match(onHand.json().error.details.problems, [{ line: 3, message: /NOWHERE/ }])
  t.same(await onHandOf(server, 'FOODS_1_001'), { 'A01-1': 10, 'BR-01': 24 }, 'the good on-hand row was not applied either')
})

t.test('imports that cannot be read are answered with a code', async (t) => {
  const server = await startTestServer(t)
  const post = (url: string, payload: string | object, type = 'text/csv') =>
    server.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload })

  const noKind = await post('/api/v1/items/import', 'sku,description\nX,Y\n')
  t.equal(noKind.statusCode, 400)
  t.equal(noKind.json().error.code, 'EDGE_ERR_IMPORT_FORMAT', 'a CSV needs ?kind=')
  const badKind = await post('/api/v1/items/import?kind=prices', 'sku,price\n')
  t.equal(badKind.statusCode, 400)
  t.equal(badKind.json().error.code, 'EDGE_ERR_VALIDATION')
  const unclosed = await post('/api/v1/items/import?kind=items', 'sku,description\n"unterminated,x\n')
  t.equal(unclosed.statusCode, 422)
  t.match(unclosed.json().error.details.problems, [{ line: 2 }])
  const badJson = await post('/api/v1/items/import', '{"items": [', 'application/json')
  t.equal(badJson.statusCode, 400)
  t.equal(badJson.json().error.code, 'EDGE_ERR_BAD_JSON')
  const unknownSection = await post('/api/v1/items/import', { prices: [] }, 'application/json')
  t.equal(unknownSection.statusCode, 400)
  t.equal(unknownSection.json().error.code, 'EDGE_ERR_IMPORT_FORMAT')
  const xml = await post('/api/v1/items/import', '<items/>', 'application/xml')
  t.equal(xml.statusCode, 415)
  t.equal(xml.json().error.code, 'EDGE_ERR_UNSUPPORTED_MEDIA')
})
