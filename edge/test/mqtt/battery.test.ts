// A device's battery comes with its heartbeat (or status) as {"battery": 0-100}: the registry view
// shows the last level and when it was told; an empty heartbeat keeps the last level; anything
// else is no level at all.

import t from 'tap'
import { batteryOf } from '../../src/ingest/battery.js'
import { connectDevice, publish, startTestServer, topic } from '../helpers/server.js'

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
