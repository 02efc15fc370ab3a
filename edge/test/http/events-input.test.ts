// Input that never reaches ingest: the body is not JSON, not the schema, too big or not JSON at all.
// Each is answered 4xx with a stable code, nothing is journaled, and the server keeps serving.

import t from 'tap'
import { basic, minutesAgo, postEvents } from './api.js'
import { startTestServer } from '../helpers/server.js'

t.test('schema-level bad input is answered 400/413/415 with a code, and nothing is journaled', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const sale = { id: 'e1', type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: minutesAgo(1) }
  const post = (payload: string, type = 'application/json') =>
    server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: auth, 'content-type': type }, payload })
  const json = (body: unknown) => post(JSON.stringify(body))

  const cases: Array<[string, Promise<{ statusCode: number, json: () => { error: { code: string, message: string } } }>, number, string]> = [
    ['malformed JSON', post('{"events": [{"id": "e1",'), 400, 'EDGE_ERR_BAD_JSON'],
    ['an empty body', post(''), 400, 'EDGE_ERR_BAD_JSON'],
    ['no events array', json({ event: sale }), 400, 'EDGE_ERR_VALIDATION'],
    ['events is not an array', json({ events: 'sale' }), 400, 'EDGE_ERR_VALIDATION'],
    ['an empty events array', json({ events: [] }), 400, 'EDGE_ERR_VALIDATION'],
    ['more than 1000 events', json({ events: Array.from({ length: 1001 }, (_, i) => ({ id: `e${i}`, type: 'scan' })) }), 400, 'EDGE_ERR_VALIDATION'],
    ['an unknown event type', json({ events: [{ ...sale, type: 'teleport' }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['an event without an id', json({ events: [{ type: 'sale', sku: 'FOODS_1_001', qty: 1 }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['a quantity that is text', json({ events: [{ ...sale, qty: 'two' }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['a quantity that is a boolean', json({ events: [{ ...sale, qty: true }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['a quantity given as a numeric string', json({ events: [{ ...sale, qty: '2' }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['a SKU that is a number', json({ events: [{ ...sale, sku: 1001 }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['data that is not an object', json({ events: [{ ...sale, data: 'from BR-01' }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['an unknown event field', json({ events: [{ ...sale, price: 3.49 }] }), 400, 'EDGE_ERR_VALIDATION'],
    ['an unknown top-level field', json({ events: [sale], dryRun: true }), 400, 'EDGE_ERR_VALIDATION'],
    ['a body over the size limit', json({ events: [{ ...sale, data: { note: 'x'.repeat(5 * 1024 * 1024) } }] }), 413, 'EDGE_ERR_PAYLOAD_TOO_LARGE'],
    ['a form instead of JSON', post('events=1', 'application/x-www-form-urlencoded'), 415, 'EDGE_ERR_UNSUPPORTED_MEDIA'],
    ['XML instead of JSON', post('<events/>', 'application/xml'), 415, 'EDGE_ERR_UNSUPPORTED_MEDIA'],
    ['CSV instead of JSON', post('id,type\ne1,sale\n', 'text/csv'), 415, 'EDGE_ERR_UNSUPPORTED_MEDIA']
  ]
  for (const [why, pending, status, code] of cases) {
    const res = await pending
    t.equal(res.statusCode, status, `${why}: ${status}`)
    t.equal(res.json().error?.code, code, `${why}: ${code}`)
    t.type(res.json().error?.message, 'string')
  }
  t.equal((await server.app.inject({ url: '/api/v1/events' })).json().events.length, 0, 'nothing was journaled')
  t.equal((await server.app.inject({ url: '/api/v1/dead-letters' })).json().deadLetters.length, 0, 'schema-level refusals are answered, not dead-lettered')

  const ok = await postEvents(server, auth, [sale])
  t.equal(ok.body.accepted, 1, 'and the server keeps serving')
})

t.test('exactly 1000 events in one batch are accepted', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const at = minutesAgo(1)
  const events = Array.from({ length: 1000 }, (_, i) => ({ id: `scan-${i}`, type: 'scan', gtin: '4006381333931', occurredAt: at }))
  const res = await postEvents(server, auth, events)
  t.equal(res.status, 200)
  t.match(res.body, { accepted: 1000, duplicates: 0, rejected: 0 })
})

t.test('a body over the limit sent over a real socket gets 413 and the connection serves on', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const headers = { authorization: basic('hh-1', secret), 'content-type': 'application/json' }
  const big = JSON.stringify({ events: [{ id: 'big', type: 'scan', sku: 'FOODS_1_001', data: { note: 'x'.repeat(5 * 1024 * 1024) } }] })
  const res = await fetch(server.url('/api/v1/events'), { method: 'POST', headers, body: big })
  t.equal(res.status, 413)
  t.equal((await res.json() as { error: { code: string } }).error.code, 'EDGE_ERR_PAYLOAD_TOO_LARGE')

  const ok = await fetch(server.url('/api/v1/events'), { method: 'POST', headers, body: JSON.stringify({ events: [{ id: 'small', type: 'scan', sku: 'FOODS_1_001', occurredAt: minutesAgo(1) }] }) })
  t.equal(ok.status, 200)
  t.match(await ok.json(), { accepted: 1, results: [{ id: 'small', status: 'accepted' }] })
})

t.test('credentials are checked before the body is read: no credentials is 401 whatever the body', async (t) => {
  const server = await startTestServer(t, { adminToken: 'an-admin-token-of-32-characters!' })
  server.addDevice('hh-1', 'handheld-scanner-app')
  const wrong = basic('hh-1', 'not-the-secret')
  const huge = JSON.stringify({ events: [{ id: 'x', type: 'scan', data: { note: 'x'.repeat(5 * 1024 * 1024) } }] })
  for (const [why, payload, type] of [
    ['malformed JSON', '{"events": [', 'application/json'],
    ['a schema mismatch', JSON.stringify({ events: [] }), 'application/json'],
    ['a body over the limit', huge, 'application/json'],
    ['a wrong content type', '<events/>', 'application/xml']
  ] as const) {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: wrong, 'content-type': type }, payload })
    t.equal(res.statusCode, 401, `POST /api/v1/events, wrong secret, ${why}`)
    t.equal(res.json().error.code, 'EDGE_ERR_UNAUTHORIZED')
  }
  // Operator routes: the admin token first, then the body.
  for (const [url, payload, type] of [
    ['/api/v1/devices', '{"id": ', 'application/json'],
    ['/api/v1/devices', JSON.stringify({ id: 'bad id', profileId: 'nope' }), 'application/json'],
    ['/api/v1/items/import?kind=items', 'sku,description\n"unclosed\n', 'text/csv']
  ] as const) {
    const res = await server.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload })
    t.equal(res.statusCode, 401, `POST ${url} without the admin token`)
    t.equal(res.json().error.code, 'EDGE_ERR_UNAUTHORIZED')
  }
})

t.test('a body without a content type is refused with 415', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: auth }, payload: Buffer.from('{"events": []}') })
  t.equal(res.statusCode, 415)
  t.equal(res.json().error.code, 'EDGE_ERR_UNSUPPORTED_MEDIA')
})
