import t from 'tap'
import { connectDevice, publish, startTestServer, topic, waitFor } from '../helpers/server.js'

const metric = async (server: Awaited<ReturnType<typeof startTestServer>>, name: string, reason: string): Promise<number> => {
  const text = await server.metrics.registry.metrics()
  const m = new RegExp(`^${name}\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)
  return m ? Number(m[1]) : 0
}

t.test('a registered device connects as itself with its secret', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  t.ok(client.connected)
})

t.test('wrong secret, unknown device, revoked device and a borrowed user name are refused and counted', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const other = server.addDevice('hh-2', 'handheld-scanner-app')

  await t.rejects(connectDevice(t, server.mqttUrl, 'hh-1', 'not-the-secret'), /Bad username or password/)
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'bad_secret'), 1)

  await t.rejects(connectDevice(t, server.mqttUrl, 'ghost', secret), /Not authorized/)
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'unknown_device'), 1)

  // hh-2's secret does not let it pose as hh-1.
  await t.rejects(connectDevice(t, server.mqttUrl, 'hh-1', other), /Bad username or password/)
  await t.rejects(connectDevice(t, server.mqttUrl, 'hh-1', secret, { username: 'hh-2' }), /Bad username or password/)
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'username_mismatch'), 1)

  await t.rejects(connectDevice(t, server.mqttUrl, 'hh-1', '', { password: undefined }), /Bad username or password/)

  server.registry.revoke('hh-2')
  await t.rejects(connectDevice(t, server.mqttUrl, 'hh-2', other), /Not authorized/)
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'revoked'), 1)
})

t.test('revoking a connected device closes its session', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  const res = await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/hh-1' })
  t.equal(res.statusCode, 200)
  await waitFor(() => !client.connected, 5000, 'the revoked device to be disconnected')
  t.equal(server.registry.get('hh-1')!.status, 'revoked')
})

t.test('publishing outside its own prefix closes the connection, is counted, and stores nothing', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  server.addDevice('hh-2', 'handheld-scanner-app')
  for (const bad of [topic('hh-2', 'scan'), 'stores/other-store/devices/hh-1/scan', 'anything/else', topic('hh-1', 'cmd/reboot')]) {
    const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    client.publish(bad, JSON.stringify({ msgId: 'x1', ts: Date.now(), gtin: '4006381333931' }), { qos: 1 })
    await closed
    t.pass(`refused ${bad}`)
  }
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'publish_outside_prefix'), 3)
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'publish_to_downlink'), 1)
  t.equal((server.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 0)
})

t.test('a device subscribes only to its own downlink and the edge status', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  // mqtt.js reports a 0x80 grant as an error carrying the SUBACK packet.
  const sub = (filter: string): Promise<number> => new Promise((resolve) =>
    client.subscribe(filter, { qos: 1 }, (err, granted) => {
      const packet = (err as { packet?: { granted: number[] } } | null)?.packet
      resolve(packet ? packet.granted[0] : granted![0].qos)
    }))
  t.equal(await sub('stores/store-1/devices/hh-1/cmd/#'), 1)
  t.equal(await sub('stores/store-1/edge/status'), 1)
  t.equal(await sub('stores/store-1/devices/hh-2/cmd/#'), 128, 'another device\'s downlink: failure 0x80')
  t.equal(await sub('stores/store-1/devices/+/scan'), 128)
  t.equal(await sub('stores/store-1/devices/hh-1/#'), 128, 'its own uplink is not downlink')
  t.equal(await sub('#'), 128)
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'subscribe_outside_downlink'), 4)

  const got = new Promise<string>((resolve) => client.on('message', (tp, payload) => { if (tp.endsWith('/cmd/beep')) resolve(payload.toString()) }))
  await server.broker.publishToDevice('hh-1', 'beep', { times: 2 })
  t.same(JSON.parse(await got), { times: 2 })
})

t.test('a refused publish does not stop the broker serving the others', async (t) => {
  const server = await startTestServer(t)
  const s1 = server.addDevice('hh-1', 'handheld-scanner-app')
  const s2 = server.addDevice('hh-2', 'handheld-scanner-app')
  const good = await connectDevice(t, server.mqttUrl, 'hh-2', s2)
  const bad = await connectDevice(t, server.mqttUrl, 'hh-1', s1)
  bad.publish(topic('hh-2', 'scan'), 'x', { qos: 1 })
  await publish(good, topic('hh-2', 'scan'), { msgId: 'ok-1', ts: Date.now(), gtin: '4006381333931' })
  t.equal((server.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 1)
})

t.test('a packet over maxPacketBytes ends the connection before it is buffered; the broker keeps serving', async (t) => {
  const server = await startTestServer(t, { maxPayloadBytes: 1024, maxPacketBytes: 4096 })
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
  client.publish(topic('hh-1', 'scan'), Buffer.alloc(64 * 1024, 0x41), { qos: 1 })
  await closed
  t.equal(await metric(server, 'edge_mqtt_refused_total', 'packet_too_large'), 1)
  // Between the payload limit and the packet limit: dead-lettered, acknowledged.
  const again = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  await publish(again, topic('hh-1', 'scan'), Buffer.alloc(2048, 0x41))
  t.match(server.db.prepare('SELECT reason FROM dead_letters').all(), [{ reason: 'EDGE_ERR_PAYLOAD_TOO_BIG' }])
})

t.test('garbage instead of MQTT on the port is dropped without harm', async (t) => {
  const server = await startTestServer(t)
  const net = await import('node:net')
  const sock = net.connect(server.ports.mqtt!, '127.0.0.1')
  await new Promise((r) => sock.once('connect', r))
  sock.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\xff\xff\xff\xff'))
  await new Promise<void>((resolve) => { sock.once('close', () => resolve()); sock.resume() })
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  t.ok((await connectDevice(t, server.mqttUrl, 'hh-1', secret)).connected, 'still serving')
})
