// A device's battery comes with its heartbeat (or status) as {"battery": 0-100}: the registry view
// shows the last level and when it was told; an empty heartbeat keeps the last level; anything
// else is no level at all. The level, its time and the last-seen time survive a restart.

import t from 'tap'
import { batteryOf } from '../../src/ingest/battery.js'
import { connectDevice, publish, rmrf, startTestServer, tempDir, topic, waitFor } from '../helpers/server.js'

t.test('a heartbeat with a battery level shows on the device; an empty one keeps it', async (t) => {
  const server = await startTestServer(t)
  const secret = server.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, server.mqttUrl, 'hh-1', secret)
  const device = async (): Promise<{ status: string, battery: { pct: number, at: string } | null }> => (await server.app.inject({ url: '/api/v1/devices/hh-1' })).json()
  t.match(await device(), { battery: null }, 'nothing reported yet')
  await publish(client, topic('hh-1', 'heartbeat'), '{"battery": 42}')
  t.match(await device(), { status: 'online', battery: { pct: 42, at: String } })
  await publish(client, topic('hh-1', 'heartbeat'), '')
  t.match(await device(), { battery: { pct: 42 } }, 'an empty heartbeat keeps the last level')
  await publish(client, topic('hh-1', 'status'), '{"state": "online", "batteryPct": 17.6}')
  t.match(await device(), { battery: { pct: 18 } }, 'status messages carry it too')
  const list = (await server.app.inject({ url: '/api/v1/devices' })).json().devices as Array<{ id: string, battery: unknown }>
  t.match(list.find((d) => d.id === 'hh-1'), { battery: { pct: 18 } })
  await publish(client, topic('hh-1', 'heartbeat'), '{"battery": 9}')
  const alerts = (await server.app.inject({ url: '/api/v1/overview' })).json().alerts as Array<{ code: string, message: string }>
  t.match(alerts.find((a) => a.code === 'battery_low'), { message: /hh-1 9%/ }, 'an online device low on battery is an alert on the overview')
})

t.test('a restart on the same data dir still shows the last level, when it came, and when the device was last seen', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  const first = await startTestServer(t, {}, { dataDir, masterData: false })
  const secret = first.addDevice('hh-1', 'handheld-scanner-app')
  const client = await connectDevice(t, first.mqttUrl, 'hh-1', secret)
  await publish(client, topic('hh-1', 'heartbeat'), '{"battery": 9}')
  const before = (await first.app.inject({ url: '/api/v1/devices/hh-1' })).json()
  t.match(before, { status: 'online', battery: { pct: 9, at: String } })
  // The sweep (50 ms here) writes it; close writes what is left. Either way it is on disk after close.
  await first.close()
  client.end(true)

  const second = await startTestServer(t, {}, { dataDir, masterData: false })
  const after = (await second.app.inject({ url: '/api/v1/devices/hh-1' })).json()
  t.equal(after.status, 'offline', 'offline until it speaks again')
  t.same(after.battery, before.battery, 'the level and its time, as before the restart')
  t.ok(after.lastSeenAt !== null && Date.parse(after.lastSeenAt) >= Date.parse(before.battery.at), `last seen ${after.lastSeenAt}, not forgotten`)
  const listed = (await second.app.inject({ url: '/api/v1/devices' })).json().devices as Array<{ id: string, battery: unknown }>
  t.same(listed.find((d) => d.id === 'hh-1')?.battery, before.battery, 'the list shows it too')
  const alerts = async (): Promise<Array<{ code: string, message: string }>> => (await second.app.inject({ url: '/api/v1/overview' })).json().alerts
  t.notOk((await alerts()).some((a) => a.code === 'battery_low'), 'an offline device raises no battery alert')

  // Back online with a heartbeat that carries no level: the stored one is what the alert goes by.
  const again = await connectDevice(t, second.mqttUrl, 'hh-1', secret)
  await publish(again, topic('hh-1', 'heartbeat'), '')
  t.match((await alerts()).find((a) => a.code === 'battery_low'), { message: /hh-1 9%/ }, 'low battery from before the restart')

  // A new level replaces the stored one on disk, not only in memory.
  await publish(again, topic('hh-1', 'status'), '{"batteryPct": 64}')
  await waitFor(() => second.registry.batteries().some((b) => b.id === 'hh-1' && b.pct === 64), 5000, 'the new level written')
  t.notOk((await alerts()).some((a) => a.code === 'battery_low'), 'charged: no alert')
})

t.test('what is not a battery level is none', async (t) => {
  const b = (s: string): number | null => batteryOf(Buffer.from(s))
  t.equal(b('{"battery": 100}'), 100)
  t.equal(b('{"batteryPct": 0}'), 0)
  t.equal(b(''), null)
  t.equal(b('online'), null)
  t.equal(b('{"battery": 140}'), null, 'over 100')
  t.equal(b('{"battery": -1}'), null)
  t.equal(b('{"battery": "80"}'), null, 'a string')
  t.equal(b('{"battery": 80'), null, 'broken JSON')
  t.equal(b('[80]'), null)
})
