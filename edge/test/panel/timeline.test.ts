// GET /api/v1/items/{sku}/timeline: an item's drill-down. A shelf counted, sold from and sold out
// shows each movement with the event behind it, an on-hand series that ends at the position, and
// a shelf-risk series from the kept score history (a point only when the score moved).

import t from 'tap'
import { basic, minutesAgo, postEvents } from '../http/api.js'
import { startTestServer } from '../helpers/server.js'

t.test('movements with their source events, the stock series and the score history of a shelf', async (t) => {
  const s = await startTestServer(t)
  const hh = basic('hh-1', s.addDevice('hh-1', 'handheld-scanner-app'))
  const pos = basic('pos-1', s.addDevice('pos-1', 'pos-sales-feed'))
  t.equal((await postEvents(s, hh, [{ id: 'c1', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 9, occurredAt: minutesAgo(50) }])).body.accepted, 1)
  t.equal((await postEvents(s, pos, [
    { id: 's1', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 3, occurredAt: minutesAgo(40) },
    { id: 's2', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 2, occurredAt: minutesAgo(30) }
  ])).body.accepted, 2)
  await s.risk.rescoreAll()
  const first = s.risk.scores.get('FOODS_1_001', 'A01-1')!.score
  // Sold out: the score moves, and the history keeps a second point.
  t.equal((await postEvents(s, pos, [{ id: 's3', type: 'sale', sku: 'FOODS_1_001', location: 'A01-1', qty: 4, occurredAt: minutesAgo(5) }])).body.accepted, 1)
  await s.risk.rescoreAll()
  const second = s.risk.scores.get('FOODS_1_001', 'A01-1')!.score

  const res = await s.app.inject({ url: '/api/v1/items/FOODS_1_001/timeline?hours=72' })
  t.equal(res.statusCode, 200)
  const tl = res.json()
  t.equal(tl.sku, 'FOODS_1_001')
  t.equal(tl.hours, 72)
  t.same(tl.positions.map((p: { location: string, onHand: number }) => [p.location, p.onHand]), [['A01-1', 0], ['BR-01', 24]])

  const shelf = tl.movements.filter((m: { location: string, bucket: string }) => m.location === 'A01-1' && m.bucket === 'on_hand')
  t.match(shelf.map((m: { source: { eventId: string } | null }) => m.source?.eventId ?? null), [null, 'c1', 's1', 's2', 's3'], 'the snapshot import, then each event in commit order')
  t.same(shelf.map((m: { balance: number }) => m.balance), [10, 9, 6, 4, 0])
  t.match(shelf[2], { delta: -3, reason: 'sale', source: { deviceId: 'pos-1', eventId: 's1', type: 'sale' } })

  const stock = tl.series.stock.find((x: { location: string }) => x.location === 'A01-1')
  t.equal(stock.kind, 'shelf')
  t.same(stock.points.map((p: { onHand: number }) => p.onHand), [0, 10, 9, 6, 4, 0, 0], 'from before the window to the position now')
  t.equal(stock.points[0].at, tl.from)
  t.equal(stock.points.at(-1).at, tl.to)
  const backroom = tl.series.stock.find((x: { location: string }) => x.location === 'BR-01')
  t.same(backroom.points.map((p: { onHand: number }) => p.onHand), [0, 24, 24])

  const risk = tl.series.risk.find((x: { location: string }) => x.location === 'A01-1')
  t.ok(risk, 'the shelf has a score series')
  const kept = (): number[] => (s.db.prepare("SELECT score FROM risk_history WHERE sku = 'FOODS_1_001' AND location = 'A01-1' ORDER BY scored_at").all() as Array<{ score: number }>).map((r) => r.score)
  t.ok(Math.abs(second - first) >= 0.05, `selling out moved the score (${first} -> ${second})`)
  t.same(kept(), [first, second].map((v) => Math.round(v * 1e4) / 1e4), 'a history point for each')
  t.same(risk.points.slice(0, 2).map((p: { score: number }) => p.score), kept(), 'the series carries them')
  await s.risk.rescoreAll()
  t.equal(kept().length, 2, 'a pass that leaves the score where it was keeps no new point')
  t.equal(risk.points.at(-1).score, Math.round(second * 1e4) / 1e4, 'the series ends at the current score')
  t.equal(tl.historyStep, 0.05)

  const one = (await s.app.inject({ url: '/api/v1/items/FOODS_1_001/timeline?location=BR-01' })).json()
  t.same(one.positions.map((p: { location: string }) => p.location), ['BR-01'], 'a location filter keeps one location')
  t.equal((await s.app.inject({ url: '/api/v1/items/NOPE/timeline' })).json().error.code, 'EDGE_ERR_NOT_FOUND')
})
