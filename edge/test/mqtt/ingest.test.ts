import t, { type Test } from 'tap'
import type { MqttClient } from 'mqtt'
import { connectDevice, publish, startTestServer, topic, type TestServer } from '../helpers/server.js'

interface Ctx { server: TestServer, hh: MqttClient, pos: MqttClient, cam: MqttClient, cell: MqttClient, probe: MqttClient }

async function store (t: Test, overrides = {}): Promise<Ctx> {
  const server = await startTestServer(t, overrides)
  const dev = async (id: string, profile: string): Promise<MqttClient> => connectDevice(t, server.mqttUrl, id, server.addDevice(id, profile))
  return {
    server,
    hh: await dev('hh-1', 'handheld-scanner-app'),
    pos: await dev('pos-1', 'pos-sales-feed'),
    cam: await dev('cam-1', 'shelf-camera-gap'),
    cell: await dev('cell-1', 'shelf-load-cell'),
    probe: await dev('probe-1', 'cooler-temperature-probe')
  }
}

const events = (s: TestServer): Array<Record<string, unknown>> =>
  (s.db.prepare('SELECT device_id, event_id, type, sku, gtin, location, qty, data FROM events ORDER BY seq').all() as Array<Record<string, unknown>>)
const dead = (s: TestServer): Array<Record<string, unknown>> =>
  (s.db.prepare('SELECT device_id, reason, detail, gtin, channel FROM dead_letters ORDER BY id').all() as Array<Record<string, unknown>>)
const onHand = (s: TestServer, sku: string, loc: string): number =>
  (s.db.prepare('SELECT on_hand FROM positions WHERE sku = ? AND location = ?').get(sku, loc) as { on_hand: number } | undefined)?.on_hand ?? 0

t.test('a PUBACK means the event is already committed, with its inventory effect', async (t) => {
  const { server, pos } = await store(t)
  await publish(pos, topic('pos-1', 'basket'), {
    txnId: 'T1', ts: new Date().toISOString(), lane: '01',
    lines: [{ lineNo: 1, sku: 'FOODS_1_001', qty: 2, price: 3.49 }, { lineNo: 2, gtin: '5901234123457', qty: 1, price: 2.99 }]
  })
  // No waiting: the acknowledgement itself is the proof.
  t.match(events(server), [
    { device_id: 'pos-1', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 2 },
    { device_id: 'pos-1', type: 'sale', sku: 'FOODS_1_002', gtin: '05901234123457', location: 'A01-2', qty: 1 }
  ])
  t.equal(onHand(server, 'FOODS_1_001', 'A01-1'), 8)
  t.equal(onHand(server, 'FOODS_1_002', 'A01-2'), 7)
})

t.test('a QoS 1 redelivery (same message id) is applied once', async (t) => {
  const { server, hh } = await store(t)
  const count = { msgId: 'c-1', ts: Date.now(), sku: 'FOODS_1_001', location: 'BR-01', counted: 20 }
  const sale = { msgId: 'p-1', ts: Date.now(), sku: 'FOODS_1_001', qty: 4, from: 'BR-01', to: 'A01-1' }
  await publish(hh, topic('hh-1', 'count'), count)
  await publish(hh, topic('hh-1', 'count'), count)
  await publish(hh, topic('hh-1', 'pick'), sale)
  await publish(hh, topic('hh-1', 'pick'), sale)
  t.equal(events(server).length, 2)
  t.equal(onHand(server, 'FOODS_1_001', 'BR-01'), 16, 'counted 20, picked 4 once')
  t.match(await server.metrics.registry.metrics(), /edge_events_duplicate_total\{transport="mqtt"\} 2/)
})

t.test('messages without an id are keyed by their content, so a retry is still applied once', async (t) => {
  const { server, cell } = await store(t)
  const m = { seq: 1, ts: Math.floor(Date.now() / 1000), bay: 'A01-1', sku: 'FOODS_1_001', grams: 2080 }
  await publish(cell, topic('cell-1', 'weight'), m)
  await publish(cell, topic('cell-1', 'weight'), m)
  t.match(events(server), [{ type: 'shelf_weight', qty: 4, location: 'A01-1' }], '2,080 g at 520 g a unit is 4 units')
})

t.test('every device kind lands as canonical events', async (t) => {
  const { server, cam, probe, hh } = await store(t)
  await publish(cam, topic('cam-1', 'gap'), { detId: 'd1', ts: new Date().toISOString(), bay: 'A01-1', facing: 2, gapRatio: 0.75, confidence: 0.9, candidates: ['FOODS_1_001'] })
  await publish(probe, topic('probe-1', 'temp'), { ts: Math.floor(Date.now() / 1000), cooler: 'COOL-1', tenthsC: 41 })
  await publish(hh, topic('hh-1', 'scan'), { msgId: 's1', ts: Date.now(), gtin: '96385074', location: 'A01-2' })
  const [gap, temp, scan] = events(server)
  t.match(gap, { type: 'gap_detected', sku: 'FOODS_1_001', location: 'A01-1' })
  t.match(JSON.parse(gap.data as string), { gapRatio: 0.75, confidence: 0.9, facing: 2 })
  t.match(temp, { type: 'temperature', location: 'COOL-1' })
  t.match(JSON.parse(temp.data as string), { celsius: 4.1 })
  t.match(scan, { type: 'scan', sku: 'FOODS_1_002', gtin: '00000096385074' })
})

t.test('bad input is dead-lettered with its reason, acknowledged, and the device keeps its session', async (t) => {
  const { server, hh, pos } = await store(t, { maxPayloadBytes: 1024 })
  const now = Date.now()
  await publish(hh, topic('hh-1', 'scan'), '{"msgId": "m1", "ts": ')
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'm2', ts: 'yesterday', gtin: '4006381333931' })
  await publish(hh, topic('hh-1', 'teleport'), { msgId: 'm3' })
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'm4', ts: now, gtin: '4006381333932' })
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'm5', ts: now, gtin: '4012345678901' })
  await publish(hh, topic('hh-1', 'count'), { msgId: 'm6', ts: now, sku: 'FOODS_1_001', location: 'A01-1', counted: 5000000 })
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'm7', ts: now + 3600_000, gtin: '4006381333931' })
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'm8', ts: now - 400 * 24 * 3600_000, gtin: '4006381333931' })
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'm9', ts: now, gtin: '4006381333931', pad: 'x'.repeat(2000) })
  await publish(hh, topic('hh-1', 'count'), { msgId: 'm10', ts: now, sku: 'NOPE', location: 'A01-1', counted: 1 })
  await publish(hh, topic('hh-1', 'count'), { msgId: 'm11', ts: now, sku: 'FOODS_1_001', location: 'Z-99', counted: 1 })
  await publish(hh, topic('hh-1', 'count'), { msgId: 'm12', ts: now, sku: 'FOODS_1_001', location: 'A01-1', counted: -3 })
  await publish(pos, topic('pos-1', 'basket'), Buffer.from([0xff, 0xfe, 0x00, 0x13]))
  t.ok(hh.connected, 'the handheld is still connected')
  t.match(dead(server).map((d) => d.reason), [
    'EDGE_ERR_MALFORMED_PAYLOAD',
    'EDGE_ERR_SCHEMA_MISMATCH',
    'EDGE_ERR_UNKNOWN_STREAM',
    'EDGE_ERR_BAD_CHECK_DIGIT',
    'EDGE_ERR_UNKNOWN_GTIN',
    'EDGE_ERR_BAD_QTY',
    'EDGE_ERR_BAD_TIME',
    'EDGE_ERR_BAD_TIME',
    'EDGE_ERR_PAYLOAD_TOO_BIG',
    'EDGE_ERR_UNKNOWN_SKU',
    'EDGE_ERR_UNKNOWN_LOCATION',
    'EDGE_ERR_SCHEMA_MISMATCH',
    'EDGE_ERR_MALFORMED_PAYLOAD'
  ])
  t.match(dead(server)[4], { gtin: '04012345678901', device_id: 'hh-1', channel: 'stores/store-1/devices/hh-1/scan' })
  t.equal(events(server).length, 0)
  const res = await server.app.inject({ url: '/api/v1/dead-letters/unknown-gtins' })
  t.match(res.json().gtins, [{ gtin: '04012345678901', count: 1, devices: ['hh-1'] }], 'unknown GTINs are listed for review')
  t.match(await server.metrics.registry.metrics(), /edge_dead_letters_total\{reason="EDGE_ERR_BAD_TIME"\} 2/)

  // And the next good message goes through.
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'ok', ts: now, gtin: '4006381333931' })
  t.equal(events(server).length, 1)
})

t.test('one bad basket line does not cost the good ones', async (t) => {
  const { server, pos } = await store(t)
  await publish(pos, topic('pos-1', 'basket'), {
    txnId: 'T9', ts: new Date().toISOString(), lane: '02',
    lines: [{ lineNo: 1, sku: 'FOODS_1_001', qty: 1, price: 3.49 }, { lineNo: 2, gtin: '4012345678901', qty: 1, price: 1 }, { lineNo: 3, sku: 'DAIRY_1_001', qty: -1, price: 1.29 }]
  })
  t.match(events(server), [{ type: 'sale', sku: 'FOODS_1_001' }, { type: 'return', sku: 'DAIRY_1_001', qty: 1 }])
  t.match(dead(server), [{ reason: 'EDGE_ERR_UNKNOWN_GTIN', gtin: '04012345678901' }])
  t.equal(onHand(server, 'DAIRY_1_001', 'COOL-1'), 21, 'the return went back on the shelf')
})

t.test('many devices publishing at once: every acknowledged event is committed once', async (t) => {
  const { server } = await store(t)
  const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => connectDevice(t, server.mqttUrl, `hh-${100 + i}`, server.addDevice(`hh-${100 + i}`, 'handheld-scanner-app'))))
  const per = 100
  await Promise.all(clients.map((c, i) => Promise.all(Array.from({ length: per }, (_, k) =>
    publish(c, topic(`hh-${100 + i}`, 'scan'), { msgId: `m${k}`, ts: Date.now(), gtin: '4006381333931' })))))
  t.equal(events(server).length, 20 * per)
  const text = await server.metrics.registry.metrics()
  const batches = /edge_commit_batch_size_count (\d+)/.exec(text)
  t.ok(batches && Number(batches[1]) < 20 * per, `commits are batched (${batches?.[1]} transactions for ${20 * per} events)`)
})

t.test('when the database refuses a commit, nothing is acknowledged and the server keeps serving', async (t) => {
  const { server, hh } = await store(t)
  server.db.exec("CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
  const closed = new Promise<void>((resolve) => hh.once('close', () => resolve()))
  let acked = false
  hh.publish(topic('hh-1', 'scan'), JSON.stringify({ msgId: 'poison', ts: Date.now(), gtin: '4006381333931' }), { qos: 1 }, (err) => { if (!err) acked = true })
  await closed
  t.notOk(acked, 'no PUBACK for an event that is not on disk: the device keeps it and retries')
  t.equal(events(server).length, 0)
  const health = await server.app.inject({ url: '/api/v1/health' })
  t.equal(health.statusCode, 200, 'one refused commit is not a dead journal')
  const again = await connectDevice(t, server.mqttUrl, 'hh-2', server.addDevice('hh-2', 'handheld-scanner-app'))
  await publish(again, topic('hh-2', 'scan'), { msgId: 'fine', ts: Date.now(), gtin: '4006381333931' })
  t.equal(events(server).length, 1)
})

t.test('the item cache reloads for an import by another process, never for journal commits', async (t) => {
  const { server, hh } = await store(t)
  let reloads = 0
  const reload = server.catalog.reload.bind(server.catalog)
  server.catalog.reload = () => { reloads++; reload() }
  for (let i = 0; i < 3; i++) {
    await publish(hh, topic('hh-1', 'scan'), { msgId: `r${i}`, ts: Date.now(), gtin: '4006381333931' })
    await new Promise((r) => setTimeout(r, 600))
  }
  t.equal(reloads, 0, 'the journal thread commits constantly; that is not a master data change')

  // Another process (the CLI) imports a new item with its own connection.
  const { openDatabase } = await import('../../src/store/db.js')
  const { importMasterData } = await import('../../src/store/import/index.js')
  const { silentLog } = await import('../../src/core/log.js')
  const other = openDatabase({ dataDir: server.dataDir, synchronous: 'FULL', log: silentLog(), now: () => new Date().toISOString() })
  importMasterData(other, { format: 'json', text: JSON.stringify({ items: [{ sku: 'NEW_1', description: 'New', gtins: ['4012345678901'], home_location: 'A01-1' }] }) }, new Date().toISOString())
  other.close()
  await new Promise((r) => setTimeout(r, 1100))
  await publish(hh, topic('hh-1', 'scan'), { msgId: 'new-1', ts: Date.now(), gtin: '4012345678901' })
  t.equal(reloads, 1)
  t.match(events(server).at(-1), { sku: 'NEW_1' }, 'the new GTIN is known without a restart')
})
