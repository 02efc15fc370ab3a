// Shelf-risk scores on a real server: every shelf of the item master is scored by the model with
// the features behind its score; a fresh event (a camera gap) is rescored at once by the fast tier;
// the slow tier rescores everything; the API ranks and filters.

import t from 'tap'
import { FEATURE_NAMES } from '../../src/scoring/spec.js'
import { event, riskServer } from './harness.js'
import { expectedRisk } from './models.js'

const vectorOf = (features: Record<string, number>): number[] => FEATURE_NAMES.map((n) => features[n])

t.test('every shelf is scored by the model, with its version and the features that moved the score', async (t) => {
  const h = await riskServer(t)
  const body = await h.risk()
  t.equal(body.scored, 3, 'the three SKUs of the small store, each on its home shelf')
  t.same(body.scores.map((s) => s.scorer), ['model', 'model', 'model'])
  for (const s of body.scores) {
    t.match(s, { version: 'test-1', modelVersion: 'test-1', reason: null, tier: 'slow', candidate: null })
    t.ok(s.why.length > 0 && s.why.length <= 3, `${s.sku}: ${s.why.map((w) => `${w.feature} ${w.contribution}`).join(', ')}`)
  }
  const [item] = await h.itemRisk('FOODS_1_001')
  t.match(item, { sku: 'FOODS_1_001', location: 'A01-1', category: 'FOODS', scorer: 'model' })
  t.equal(item.features.shelf_qty, 10, 'the vector scored is shown feature by feature')
  t.ok(Math.abs(item.score - expectedRisk(vectorOf(item.features))) < 1e-4, `the score is the model's for that vector: ${item.score}`)
})

t.test('a camera gap is rescored within its handling by the fast tier and tops the list', async (t) => {
  const h = await riskServer(t)
  const before = (await h.itemRisk('FOODS_1_002'))[0]
  await h.post([event('gap_detected', { sku: 'FOODS_1_002', location: 'A01-2' })])
  await h.server.risk.fastIdle()
  const [after] = await h.itemRisk('FOODS_1_002')
  t.equal(after.tier, 'fast')
  t.equal(after.features.obs_gap, 1)
  t.ok(after.score > before.score + 0.3, `risk ${before.score} -> ${after.score}`)
  t.equal(after.why[0].feature, 'obs_gap', 'the gap is what moved it most')
  t.ok(after.why[0].contribution > 0)
  const top = await h.risk('?limit=1')
  t.equal(top.scores[0].sku, 'FOODS_1_002')
  t.equal(top.total, 3)
  const text = await h.server.metrics.registry.metrics()
  const sum = Number(/^edge_risk_fast_latency_seconds_sum (\S+)$/m.exec(text)?.[1])
  t.comment(`fast tier: event applied to its shelf rescored in ${(sum * 1000).toFixed(2)} ms`)
})

t.test('a sale that empties the shelf shows at the next slow-tier run; the list filters by score, location, category, scorer', async (t) => {
  const h = await riskServer(t)
  await h.post([event('sale', { sku: 'FOODS_1_001', location: 'A01-1', qty: 10 })])
  await h.rescore()
  const [empty] = await h.itemRisk('FOODS_1_001')
  t.equal(empty.features.shelf_qty, 0)
  t.ok(empty.score > 0.5, `an empty record: ${empty.score}`)
  t.equal(empty.tier, 'slow')
  t.same((await h.risk('?minScore=0.5')).scores.map((s) => s.sku), ['FOODS_1_001'])
  t.same((await h.risk('?location=COOL-1')).scores.map((s) => s.sku), ['DAIRY_1_001'])
  t.equal((await h.risk('?category=FOODS')).total, 3)
  t.equal((await h.risk('?category=NOPE')).total, 0)
  t.equal((await h.risk('?scorer=rules')).total, 0)
  const bad = await h.server.app.inject({ url: '/api/v1/risk?minScore=2' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.code, 'EDGE_ERR_VALIDATION')
})

t.test('an item with no history is scored from master data alone; one without a shelf has no score', async (t) => {
  const h = await riskServer(t)
  const res = await h.server.app.inject({
    method: 'POST',
    url: '/api/v1/items/import',
    payload: {
      items: [
        { sku: 'NEW_1', description: 'New item, never sold or counted', category: 'FOODS', case_pack: 6, shelf_capacity: 12, home_location: 'A01-1' },
        { sku: 'NEW_2', description: 'No home shelf', category: 'FOODS', case_pack: 6 }
      ]
    }
  })
  t.equal(res.statusCode, 200, res.body)
  await h.rescore()
  const [fresh] = await h.itemRisk('NEW_1')
  t.match(fresh, { sku: 'NEW_1', location: 'A01-1' })
  t.ok(fresh.score >= 0 && fresh.score <= 1, `scored ${fresh.score} by ${fresh.scorer}${fresh.reason ? ` (${fresh.reason})` : ''}`)
  t.equal(fresh.features.shelf_qty, 0, 'no stock on record')
  t.same(await h.itemRisk('NEW_2'), [])
})

t.test('a backroom count rescores the SKU\'s shelf at once (its backroom_qty moved); the backroom is not scored', async (t) => {
  const h = await riskServer(t)
  t.equal((await h.itemRisk('FOODS_1_001'))[0].features.backroom_qty, 24)
  await h.post([event('cycle_count', { sku: 'FOODS_1_001', location: 'BR-01', qty: 0 })])
  await h.server.risk.fastIdle()
  const risk = await h.itemRisk('FOODS_1_001')
  t.same(risk.map((r) => `${r.location}:${r.tier}`), ['A01-1:fast'])
  t.equal(risk[0].features.backroom_qty, 0)
})
