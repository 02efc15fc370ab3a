// Health, metrics, the OpenAPI document and unknown routes: what an operator or a monitoring system
// sees of the store server.

import t from 'tap'
import { migrations } from '../../src/store/migrations/index.js'
import { connectDevice, startTestServer } from '../helpers/server.js'
import { basic, minutesAgo, postEvents } from './api.js'

const latestSchema = migrations[migrations.length - 1].version

t.test('/api/v1/health reports store, bound ports, schema version and pending commits', async (t) => {
  const server = await startTestServer(t, { storeId: 'store-42' })
  const res = await server.app.inject({ url: '/api/v1/health' })
  t.equal(res.statusCode, 200)
  const health = res.json()
  t.equal(health.status, 'ok')
  t.equal(health.storeId, 'store-42')
  t.type(health.version, 'string')
  t.ok(health.ports.http > 0, 'started with httpPort 0, reports the port it bound')
  t.ok(health.ports.mqtt > 0, 'and the MQTT port it bound')
  t.equal(health.ports.http, server.ports.http)
  t.equal(health.ports.mqtt, server.ports.mqtt)
  t.equal(health.ports.mqttTls, null, 'no TLS listener without a certificate')
  t.equal(health.database.schemaVersion, latestSchema, 'the data dir is migrated to the latest schema')
  t.equal(health.database.events, 0)
  t.equal(health.ingest.pendingCommits, 0)
  t.same(health.devices, { registered: 0, online: 0 })
  t.same(health.serial, [])
})

t.test('health over a real socket, with fetch, counts committed events and devices', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const posted = await postEvents(server, basic('hh-1', secret), [{ id: 'e1', type: 'sale', sku: 'FOODS_1_001', qty: 1, occurredAt: minutesAgo(1) }])
  t.equal(posted.body.accepted, 1)
  const res = await fetch(server.url('/api/v1/health'))
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /application\/json/)
  const health = await res.json() as { ports: { http: number }, database: { events: number }, devices: { registered: number } }
  t.equal(health.ports.http, Number(new URL(server.url('/')).port), 'the port fetch connected to')
  t.equal(health.database.events, 1)
  t.equal(health.devices.registered, 1)
})

t.test('/metrics is Prometheus text with the ingest counters and histograms', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('pos-1', 'pos-sales-feed')
  await postEvents(server, basic('pos-1', secret), [
    { id: 's1', type: 'sale', sku: 'FOODS_1_001', qty: 2, occurredAt: minutesAgo(1) },
    { id: 's2', type: 'sale', gtin: '04006381333924', qty: 1, occurredAt: minutesAgo(1) }
  ])
  await t.rejects(connectDevice(t, server.mqttUrl, 'pos-1', 'not-the-secret'), 'an MQTT client with a wrong secret is refused')
  const res = await server.app.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  const text = res.body
  t.match(text, /^# TYPE edge_messages_in_total counter$/m)
  t.match(text, /^edge_messages_in_total\{transport="http"\} 2$/m, 'both posted events counted in')
  t.match(text, /^edge_events_accepted_total\{transport="http"\} 1$/m)
  t.match(text, /^edge_dead_letters_total\{reason="EDGE_ERR_UNKNOWN_GTIN"\} 1$/m, 'dead letters are counted by reason')
  t.match(text, /^# TYPE edge_mqtt_refused_total counter$/m)
  t.match(text, /^edge_mqtt_refused_total\{reason="bad_secret"\} 1$/m, 'the MQTT connect with a wrong secret was counted')
  t.match(text, /^edge_ingest_latency_seconds_bucket\{le="0\.001",transport="http"\} \d+$/m)
  t.match(text, /^edge_ingest_latency_seconds_count\{transport="http"\} 1$/m, 'one HTTP submission')
  t.match(text, /^edge_commit_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m)
  t.match(text, /^edge_commit_seconds_sum [\d.e-]+$/m)
})

t.test('/docs serves Swagger UI and /docs/json an OpenAPI document of every /api/v1 route', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  const ui = await server.app.inject({ url: '/docs/' })
  t.equal(ui.statusCode, 200)
  t.match(ui.headers['content-type'], /text\/html/)
  t.match(ui.body, /swagger/i)

  const doc = await server.app.inject({ url: '/docs/json' })
  t.equal(doc.statusCode, 200)
  const spec = doc.json() as { openapi: string, info: { title: string }, paths: Record<string, Record<string, unknown>> }
  t.match(spec.openapi, /^3\./)
  t.equal(spec.info.title, 'store-edge API')
  const paths = Object.keys(spec.paths)
  for (const p of [
    '/api/v1/health', '/api/v1/devices', '/api/v1/devices/{id}', '/api/v1/device-profiles', '/api/v1/device-profiles/{id}',
    '/api/v1/items', '/api/v1/items/{sku}', '/api/v1/items/import', '/api/v1/events', '/api/v1/dead-letters',
    '/api/v1/dead-letters/unknown-gtins', '/api/v1/clock', '/api/v1/inventory', '/metrics'
  ]) t.ok(paths.includes(p), `OpenAPI lists ${p}`)
  t.same(Object.keys(spec.paths['/api/v1/clock']).sort(), ['get', 'put'])
  t.same(Object.keys(spec.paths['/api/v1/events']).sort(), ['get', 'post'])
  t.same(Object.keys(spec.paths['/api/v1/devices/{id}']).sort(), ['delete', 'get'])
})

t.test('every /api/v1 route declares its schema: success response, parameters, body', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  type Op = { tags?: string[], parameters?: Array<{ in: string, name: string }>, requestBody?: unknown, responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
  const doc = (await server.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, Op>> }
  let count = 0
  for (const [url, ops] of Object.entries(doc.paths)) {
    if (!url.startsWith('/api/v1/')) continue
    for (const [method, op] of Object.entries(ops)) {
      const name = `${method.toUpperCase()} ${url}`
      count++
      t.ok(op.tags?.length, `${name} is tagged`)
      const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))
      // JSON, or for the panel's live updates the event stream whose events' data the schema describes.
      const content = success?.[1].content
      t.ok(content?.['application/json']?.schema ?? content?.['text/event-stream']?.schema, `${name} has a response schema`)
      for (const param of url.match(/\{(\w+)\}/g) ?? []) {
        t.ok(op.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param), `${name} documents path parameter ${param}`)
      }
      if (method === 'post') t.ok(op.requestBody || url === '/api/v1/items/import', `${name} has a body schema`)
    }
  }
  t.ok(count >= 15, `checked ${count} /api/v1 operations`)
})

t.test('an unknown route answers 404 with the error shape', async (t) => {
  const server = await startTestServer(t, {}, { masterData: false })
  for (const [method, url] of [['GET', '/api/v1/nothing-here'], ['POST', '/api/v1/health'], ['GET', '/nope?x=1']] as const) {
    const res = await server.app.inject({ method, url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.json().error.code, 'EDGE_ERR_NOT_FOUND')
    t.notMatch(res.json().error.message, /\?x=1/, 'the message names the path, not the query')
  }
})
