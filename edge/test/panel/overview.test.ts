// GET /api/v1/overview: the panel's first page in one call. A store where one shelf was counted
// empty, a few tasks wait, a handheld went offline and the relay is not configured shows each of
// those in its section, and the offline handheld raises an alert.

import t from 'tap'
import { basic, minutesAgo, postEvents } from '../http/api.js'
import { connectDevice, publish, startTestServer, topic, waitFor } from '../helpers/server.js'
import { orderServer, runProposals, setPolicies } from '../orders/orders-helpers.js'

t.test('the overview shows shelf availability, risk, tasks, approvals, devices, the link and alerts', async (t) => {
  // A low threshold puts some shelves at risk whatever the scorer makes of three counts.
  const s = await startTestServer(t, { fillRiskThreshold: 0.01 })
  const counter = s.addDevice('hh-2', 'handheld-scanner-app')
  const hh = s.addDevice('hh-1', 'handheld-scanner-app')
  s.addDevice('cam-1', 'shelf-camera-gap') // registered, never seen
  const counted = await postEvents(s, basic('hh-2', counter), [
    { id: 'c1', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 0, occurredAt: minutesAgo(3) },
    { id: 'c2', type: 'cycle_count', sku: 'FOODS_1_002', location: 'A01-2', qty: 40, occurredAt: minutesAgo(3) },
    { id: 'c3', type: 'cycle_count', sku: 'DAIRY_1_001', location: 'COOL-1', qty: 30, occurredAt: minutesAgo(3) }
  ])
  t.equal(counted.body.accepted, 3)
  await s.risk.rescoreAll()

  const review = s.tasks.store.create({ kind: 'review', sku: 'FOODS_1_002', location: 'RCV' })
  s.tasks.store.create({ kind: 'count', sku: 'DAIRY_1_001', location: 'COOL-1' })

  const client = await connectDevice(t, s.mqttUrl, 'hh-1', hh)
  await publish(client, topic('hh-1', 'heartbeat'), 'up')
  await waitFor(() => s.registry.get('hh-1')?.lastSeenAt !== null, 5000, 'hh-1 seen')
  await new Promise<void>((resolve) => client.end(true, {}, () => resolve()))
  await waitFor(() => s.registry.get('hh-1')?.status === 'offline', 5000, 'hh-1 offline')

  const res = await s.app.inject({ url: '/api/v1/overview' })
  t.equal(res.statusCode, 200)
  const o = res.json()

  const a = o.availability
  t.ok(a.shelves >= 3, `${a.shelves} shelf SKU-locations scored`)
  t.ok(a.empty >= 1, 'the shelf counted at 0 is empty')
  t.equal(a.onShelf, Math.round((a.shelves - a.empty) / a.shelves * 1e4) / 1e4, 'on shelf = share not empty')
  t.ok(a.onShelfNotAtRisk <= a.onShelf, 'not at risk is a subset of on shelf')
  t.match(a.method, /shelf-risk score/)

  t.equal(o.atRisk.threshold, 0.01, 'fillRiskThreshold')
  const risk = (await s.app.inject({ url: '/api/v1/risk?minScore=0.01&limit=5' })).json()
  t.ok(risk.total >= 1, 'some shelf scores above the threshold')
  t.equal(o.atRisk.count, risk.total, 'at risk = SKU-locations at or above the threshold, as /api/v1/risk counts them')
  t.same(o.atRisk.top.map((r: { sku: string, location: string }) => `${r.sku}@${r.location}`), risk.scores.map((r: { sku: string, location: string }) => `${r.sku}@${r.location}`), 'the top five, highest first')
  t.ok(o.atRisk.top[0].why.length > 0, 'with why')
  t.equal(a.onShelfNotAtRisk, Math.round((a.shelves - a.empty - risk.scores.filter((r: { location: string }) => r.location !== 'A01-1').length) / a.shelves * 1e4) / 1e4, 'not at risk = on the shelf and below the threshold')
  t.equal(o.tasks.byKind.review.open, 1)
  t.equal(o.tasks.byKind.count.total, 1)
  t.equal(o.tasks.byKind.review.age['<15m'], 1, 'made just now')
  t.same(o.approvals, { orderProposals: 0, receivingReviews: 1, counts: 1 })
  t.ok(review.id > 0)

  t.match(o.devices, { registered: 3, online: 1, offline: 1, neverSeen: 1, revoked: 0 })
  t.same(o.devices.offlineDevices.map((d: { id: string }) => d.id), ['hh-1'])

  t.match(o.link, { relay: false, sender: { state: 'off' }, budget: { level: 'ok' }, heartbeat: { sent: 0 } })
  t.same(o.link.lanes.map((l: { lane: string }) => l.lane), ['urgent', 'normal', 'telemetry'])
  const outbox = (await s.app.inject({ url: '/api/v1/outbox' })).json()
  t.ok(outbox.total > 0, 'the counts made ERP-bound adjustments')
  t.equal(o.link.total, outbox.total, 'rows waiting, as /api/v1/outbox counts them')
  t.equal(o.link.oldestUnsentAgeS, Math.max(...outbox.lanes.map((l: { oldestAgeS: number | null }) => l.oldestAgeS ?? 0)))

  const codes = o.alerts.map((x: { code: string }) => x.code)
  t.ok(codes.includes('devices_offline'), `alerts: ${codes.join(', ')}`)
  t.match(o.alerts.find((x: { code: string }) => x.code === 'devices_offline'), { level: 'warn', message: /hh-1/, since: String })
})

t.test('the overview needs a signed-in viewer when sessions are on', async (t) => {
  const s = await startTestServer(t, { apiAuth: 'sessions' })
  const res = await s.app.inject({ url: '/api/v1/overview' })
  t.equal(res.statusCode, 401)
  t.equal(res.json().error.code, 'EDGE_ERR_SIGN_IN_REQUIRED')
})

t.test('order proposals waiting count as approvals, and ones about to expire raise an alert', async (t) => {
  const s = await orderServer(t)
  await setPolicies(s, 'defaults:\n  proposalTtlHours: 1\n  autoApprove:\n    maxValue: 1\n')
  let o = (await s.app.inject({ url: '/api/v1/overview' })).json()
  t.equal(o.approvals.orderProposals, 0)
  t.notOk(o.alerts.some((a: { code: string }) => a.code === 'proposals_expiring'), 'nothing to expire yet')
  await runProposals(s)
  o = (await s.app.inject({ url: '/api/v1/overview' })).json()
  t.equal(o.approvals.orderProposals, 3, 'three wait for a manager')
  const alert = o.alerts.find((a: { code: string }) => a.code === 'proposals_expiring')
  t.match(alert, { level: 'warn', message: /^3 order proposal\(s\) expire undecided within 2 h/ }, 'a one-hour lifetime is inside the two-hour warning')
})
