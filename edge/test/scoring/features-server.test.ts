// The feature book inside a real store server: fed by every commit before the device hears back,
// its mirror equal to the positions table whatever mix of events and imports arrives, and rebuilt
// after a restart to the very vectors the live book had.

import t from 'tap'
import { ManualClock } from '../../src/core/clock.js'
import { FEATURE_COUNT } from '../../src/scoring/spec.js'
import type { FeatureBook } from '../../src/scoring/features/book.js'
import { featureRows } from '../../src/scoring/features/rows.js'
import { basic, postEvents } from '../http/api.js'
import { rmrf, startTestServer, tempDir, type TestServer } from '../helpers/server.js'
import { rng } from './features-fixture.js'

const HOUR = 3_600_000
const SKUS = ['FOODS_1_001', 'FOODS_1_002', 'DAIRY_1_001']
const HOME: Record<string, string> = { FOODS_1_001: 'A01-1', FOODS_1_002: 'A01-2', DAIRY_1_001: 'COOL-1' }

/** A random batch of canonical events as a handheld or POS lane would post them. */
function randomBatch (random: () => number, prefix: string, n: number, timeOf: () => number): object[] {
  const out: object[] = []
  for (let i = 0; i < n; i++) {
    const sku = SKUS[Math.floor(random() * SKUS.length)]
    const home = HOME[sku]
    const qty = 1 + Math.floor(random() * 6)
    const base = { id: `${prefix}-${i}`, sku, occurredAt: new Date(timeOf()).toISOString() }
    const r = random()
    if (r < 0.45) out.push({ ...base, type: 'sale', qty: Math.min(qty, 3), data: { price: Math.round((1 + random() * 3) * 100) / 100 } })
    else if (r < 0.52) out.push({ ...base, type: 'pick', qty, location: home, data: { from: 'BR-01' } })
    else if (r < 0.59) out.push({ ...base, type: 'putaway', qty, location: home })
    else if (r < 0.63) out.push({ ...base, type: 'putaway', qty, location: 'BR-02', data: { from: 'RCV' } })
    else if (r < 0.68) out.push({ ...base, type: 'receipt', qty: qty * 4, location: 'RCV' })
    else if (r < 0.74) out.push({ ...base, type: 'cycle_count', qty: Math.floor(random() * 30), location: random() < 0.7 ? home : 'BR-01' })
    else if (r < 0.77) out.push({ ...base, type: 'return', qty: 1 })
    else if (r < 0.80) out.push({ ...base, type: 'adjust', qty: random() < 0.5 ? -1 : 2, location: home, data: { reason: 'damage' } })
    else if (r < 0.83) out.push({ ...base, type: 'reserve', qty: 1, location: home })
    else if (r < 0.86) out.push({ ...base, type: 'release', qty: 2, location: home })
    else if (r < 0.92) out.push({ ...base, type: 'gap_detected', location: home, data: { gapRatio: 1 } })
    else if (r < 0.96) out.push({ ...base, type: 'shelf_check', qty: Math.floor(random() * 10), location: home, data: { facingsSeen: 1 } })
    else out.push({ ...base, type: 'scan' })
  }
  return out
}

function tableOf (server: TestServer): Array<{ sku: string, location: string, onHand: number, inTransit: number }> {
  return server.db.prepare('SELECT sku, location, on_hand AS onHand, in_transit AS inTransit FROM positions ORDER BY sku, location').all() as never
}

function vectors (book: FeatureBook, nowMs: number): Buffer {
  const keys = book.keys()
  const out = new Float32Array(keys.length * FEATURE_COUNT)
  keys.forEach((k, i) => book.vector(k.sku, k.location, nowMs, out, i * FEATURE_COUNT))
  return Buffer.from(out.buffer)
}

t.test('the book hears of a committed event before the device gets its answer', async (t) => {
  const server = await startTestServer(t)
  const auth = basic('pos-1', server.addDevice('pos-1', 'pos-sales-feed'))
  const at = Date.now() - 60_000
  const res = await postEvents(server, auth, [{ id: 'b1:1', type: 'sale', sku: 'DAIRY_1_001', qty: 2, occurredAt: new Date(at).toISOString(), data: { price: 0.99 } }])
  t.equal(res.body.accepted, 1)
  const [row] = featureRows(server.features, at + 60_000, { sku: 'DAIRY_1_001' })
  t.match(row, { sku: 'DAIRY_1_001', location: 'COOL-1' })
  t.equal(row.features.shelf_qty, 18, 'the snapshot of 20, less the sale')
  t.ok(Math.abs(row.features.since_sale_h - 1 / 60) < 1e-4, 'sold a minute ago')
  t.ok(Math.abs(row.features.price_ratio - 0.99 / 1.29) < 1e-6, 'at 0.99 against a list price of 1.29')
  t.ok(row.features.rate_day > 0)
  t.same(featureRows(server.features, at, { category: 'FOODS' }).map((r) => r.sku), ['DAIRY_1_001', 'FOODS_1_001', 'FOODS_1_002'])
})

t.test('an import by another process is noticed at the next commit, and that batch still learns its count and fill', async (t) => {
  // startTestServer imports the small store straight into the database, as the CLI would beside a
  // running server: the book hears of it only when the next batch commits, after the batch's
  // effects are already in the positions it re-reads.
  const server = await startTestServer(t)
  const hh = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const at = Date.now() - 60_000
  const res = await postEvents(server, hh, [
    { id: 'c1', type: 'cycle_count', sku: 'FOODS_1_001', location: 'A01-1', qty: 7, occurredAt: new Date(at).toISOString() },
    { id: 'p1', type: 'putaway', sku: 'FOODS_1_002', location: 'A01-2', qty: 6, occurredAt: new Date(at).toISOString() }
  ])
  t.equal(res.body.accepted, 2)
  const [oats, flakes] = featureRows(server.features, at + 1000).filter((r) => r.sku !== 'DAIRY_1_001')
  t.match(oats.features, { shelf_qty: 7, obs_qty: 7, count_var_signed: -3, count_var_abs: 3 }, 'counted 7 against a record of 10')
  t.match(flakes.features, { shelf_qty: 14, obs_qty: 14, obs_gap: 0 }, '6 put onto a shelf holding 8')
  t.same(server.features.positions(), tableOf(server))
})

t.test('the mirror equals the positions table after a random mix of events, with imports among them', async (t) => {
  const server = await startTestServer(t)
  const hh = basic('hh-1', server.addDevice('hh-1', 'handheld-scanner-app'))
  const hh2 = basic('hh-2', server.addDevice('hh-2', 'handheld-scanner-app'))
  const random = rng(42)
  const now = Date.now()
  const timeOf = (): number => now - Math.floor(random() * 6 * HOUR)
  let n = 0
  const post = (auth: string, size: number): Promise<unknown> => postEvents(server, auth, randomBatch(random, `m${n++}`, size, timeOf))
  for (let round = 0; round < 6; round++) {
    // Two handhelds at once, and an on-hand snapshot landing while their batches commit.
    const snapshot = { onHand: [{ sku: SKUS[round % 3], location: HOME[SKUS[round % 3]], qty: 5 + round }, { sku: 'FOODS_1_001', location: 'BR-01', qty: 40 }] }
    await Promise.all([
      post(hh, 40), post(hh2, 25),
      round % 2 === 1 ? server.app.inject({ method: 'POST', url: '/api/v1/items/import', payload: snapshot }) : Promise.resolve(),
      post(hh, 30), post(hh2, 1)
    ])
    t.same(server.features.positions(), tableOf(server), `after round ${round + 1}`)
  }
  const moved = server.db.prepare('SELECT count(*) FROM events').pluck().get() as number
  t.ok(moved > 500, `${moved} events journaled`)
  const inventory = (await server.app.inject({ url: '/api/v1/items/FOODS_1_001' })).json() as { positions: Array<{ location: string, onHand: number, inTransit: number }> }
  for (const p of inventory.positions) t.same(server.features.record('FOODS_1_001', p.location), { onHand: p.onHand, inTransit: p.inTransit }, `FOODS_1_001 at ${p.location}, as the API reports it`)
})

t.test('after a restart the book loads the very vectors the live book had', async (t) => {
  const dataDir = tempDir()
  t.teardown(() => rmrf(dataDir))
  const start = Date.parse('2026-03-02T18:00:00.000Z') // a Monday evening
  const clock = new ManualClock(start)
  const first = await startTestServer(t, {}, { dataDir, clock })
  const pos = basic('pos-1', first.addDevice('pos-1', 'pos-sales-feed'))
  const hh = basic('hh-1', first.addDevice('hh-1', 'handheld-scanner-app'))
  const random = rng(1)
  // Six days of history, posted as devices back online would (occurredAt within the allowed age).
  const timeOf = (): number => start - Math.floor(random() * 6 * 24 * HOUR)
  for (let i = 0; i < 12; i++) await postEvents(first, i % 3 === 0 ? pos : hh, randomBatch(random, `r${i}`, 50, timeOf))
  const times = [start, start + 2 * HOUR, start + 30 * HOUR]
  const live = times.map((now) => vectors(first.features, now))
  const keys = first.features.keys()
  const positions = first.features.positions()
  t.ok(keys.length >= 3)
  await first.close()

  const second = await startTestServer(t, {}, { dataDir, clock, masterData: false })
  t.same(second.features.keys(), keys, 'the same SKU-locations')
  t.same(second.features.positions(), positions, 'the same record')
  times.forEach((now, i) => t.ok(second.features.keys().length > 0 && vectors(second.features, now).equals(live[i]), `identical bytes at +${(now - start) / HOUR} h`))
  await second.close()
})
