import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connectDevice, publish, startTestServer, tempDir, rmrf, topic, waitFor } from '../helpers/server.js'
import { ManualClock } from '../../src/core/clock.js'

const count = (s: { db: { prepare (sql: string): { get (): unknown } } }): number => (s.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n

t.test('MQTT over WebSocket at /mqtt on the HTTP port', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-ws', 'handheld-scanner-app')
  const client = await connectDevice(t, `ws://127.0.0.1:${server.ports.http}/mqtt`, 'hh-ws', secret)
  await publish(client, topic('hh-ws', 'scan'), { msgId: 'w1', ts: Date.now(), gtin: '4006381333931' })
  t.equal(count(server), 1)
})

t.test('MQTT over TLS when a certificate and key are configured', async (t) => {
  const dir = tempDir('store-edge-tls-')
  t.teardown(() => rmrf(dir))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' })
  const server = await startTestServer(t, { tlsCert: cert, tlsKey: key })
  t.ok(server.ports.mqttTls, 'the TLS port is bound and reported')
  const health = (await server.app.inject({ url: '/api/v1/health' })).json()
  t.equal(health.ports.mqttTls, server.ports.mqttTls)
  const secret = server.addDevice('hh-tls', 'handheld-scanner-app')
  const client = await connectDevice(t, `mqtts://127.0.0.1:${server.ports.mqttTls}`, 'hh-tls', secret, { ca: readFileSync(cert), rejectUnauthorized: false })
  await publish(client, topic('hh-tls', 'scan'), { msgId: 'tls1', ts: Date.now(), gtin: '4006381333931' })
  t.equal(count(server), 1)
})

t.test('a TLS key that cannot be read stops start-up naming the key', async (t) => {
  await t.rejects(startTestServer(t, { tlsCert: '/nonexistent/cert.pem', tlsKey: '/nonexistent/key.pem' }), { code: 'EDGE_ERR_CONFIG_INVALID', message: /tlsCert/ })
})

t.test('the edge status is retained: online while serving, offline after shutdown', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  const statuses: Array<{ status: string }> = []
  client.on('message', (_tp, payload, packet) => { statuses.push({ ...JSON.parse(payload.toString()), retained: packet.retain }) })
  client.subscribe('stores/store-1/edge/status', { qos: 1 })
  await waitFor(() => statuses.length === 1, 3000, 'the retained status')
  t.match(statuses[0], { status: 'online', storeId: 'store-1', retained: true })
  await server.close()
  t.match(statuses.at(-1), { status: 'offline', reason: 'shutdown' }, 'devices hear the goodbye before the broker closes')
})

t.test('devices go offline when their heartbeats stop, and on disconnect', async (t) => {
  const clock = new ManualClock(Date.now())
  const server = await startTestServer(t, {}, { clock, presenceSweepMs: 20 })
  const secret = server.addDevice('cam-1', 'shelf-camera-gap')
  const client = await connectDevice(t, server.mqttUrl, 'cam-1', secret)
  const status = async (): Promise<string> => (await server.app.inject({ url: '/api/v1/devices/cam-1' })).json().status
  t.equal(await status(), 'never_seen', 'connected is not yet seen: a heartbeat or message is')
  await publish(client, topic('cam-1', 'heartbeat'), '')
  t.equal(await status(), 'online')
  // The camera profile beats every 300 s; offline after 2.5 x 300 s of silence.
  clock.advance(700_000)
  await new Promise((r) => setTimeout(r, 100))
  t.equal(await status(), 'online', 'still within the grace period')
  clock.advance(60_000)
  await waitFor(() => !server.registry.get('cam-1') || server.registry.get('cam-1')!.status === 'offline', 3000, 'offline after missed heartbeats')
  t.equal(await status(), 'offline')
  t.ok(server.registry.get('cam-1')!.lastSeenAt)

  await publish(client, topic('cam-1', 'heartbeat'), '')
  t.equal(await status(), 'online', 'back on its next heartbeat')
  client.end(true)
  await waitFor(() => server.registry.get('cam-1')!.status === 'offline', 3000, 'offline on disconnect')
})

t.test('a device that disconnects mid-stream loses nothing it was acknowledged for', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  const acked: string[] = []
  for (let i = 0; i < 500; i++) {
    const id = `m${i}`
    client.publish(topic('hh-1', 'scan'), JSON.stringify({ msgId: id, ts: Date.now(), gtin: '4006381333931' }), { qos: 1 }, (err) => { if (!err) acked.push(id) })
  }
  await waitFor(() => acked.length > 20, 5000, 'some acknowledgements')
  // Pull the plug: destroy the socket with messages still in flight.
  ;(client as unknown as { stream: { destroy (): void } }).stream.destroy()
  await new Promise((r) => setTimeout(r, 200))
  const stored = new Set((server.db.prepare('SELECT event_id FROM events').all() as Array<{ event_id: string }>).map((r) => r.event_id))
  t.ok(acked.every((id) => stored.has(id)), `all ${acked.length} acknowledged events are stored (${stored.size} stored)`)
  // The server keeps serving.
  const again = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  await publish(again, topic('hh-1', 'scan'), { msgId: 'after', ts: Date.now(), gtin: '4006381333931' })
  t.ok(server.db.prepare("SELECT 1 FROM events WHERE event_id = 'after'").get())
})

t.test('a device\'s last will on its status topic takes it offline at once', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret, { will: { topic: topic('hh-1', 'status'), payload: Buffer.from('offline'), qos: 1, retain: false } })
  await publish(client, topic('hh-1', 'status'), 'online')
  await waitFor(() => server.registry.get('hh-1')!.status === 'online', 3000, 'online in the registry')
  // Drop the connection without DISCONNECT, as a handheld whose battery dies: the broker publishes the will.
  ;(client as unknown as { stream: { destroy (): void } }).stream.destroy()
  await waitFor(() => server.registry.get('hh-1')!.status === 'offline', 3000, 'offline by last will or disconnect')
  t.pass('offline')
})
