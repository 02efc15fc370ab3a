// Scores are judged against what the store confirms afterwards: counts, camera gaps, fills of an
// empty shelf, each paired with the score its shelf had in the hours before. AUC, Brier and the
// calibration table per scorer and category, feature drift against the training data, all on the
// API and on /metrics. The slow tier runs on the server's clock, simulated time included.

import t from 'tap'
import { event, riskServer, type RiskHarness } from './harness.js'

/** Twenty more items on the two grocery shelves and the cooler, in two categories, ten with an empty record. */
async function store (h: RiskHarness): Promise<void> {
  const items = Array.from({ length: 20 }, (_, i) => ({
    sku: `MON_${i}`, description: `Item ${i}`, category: i % 2 === 0 ? 'FOODS' : 'HOUSEHOLD', case_pack: 6, shelf_capacity: 24,
    home_location: ['A01-1', 'A01-2', 'COOL-1'][i % 3]
  }))
  const onHand = items.filter((_, i) => i >= 10).map((it) => ({ sku: it.sku, location: it.home_location, qty: 12 }))
  const res = await h.server.app.inject({ method: 'POST', url: '/api/v1/items/import', payload: { items, onHand } })
  if (res.statusCode !== 200) throw new Error(res.body)
  await h.rescore()
}

t.test('confirmations are paired with the scores before them and judged: AUC, Brier, calibration, per category', async (t) => {
  const h = await riskServer(t)
  await store(h)
  // The store looks: the ten with an empty record are empty, the ten stocked are not.
  await h.post(Array.from({ length: 20 }, (_, i) => event('cycle_count', { sku: `MON_${i}`, location: ['A01-1', 'A01-2', 'COOL-1'][i % 3], qty: i < 10 ? 0 : 12 })))
  // A camera sees the milk shelf empty; an associate fills MON_0's (counted empty) shelf.
  await h.post([event('gap_detected', { sku: 'DAIRY_1_001', location: 'COOL-1' })])
  await h.server.risk.fastIdle()
  await h.post([event('putaway', { sku: 'MON_0', location: 'A01-1', qty: 6 })])
  await h.rescore()

  const { monitoring: m } = await h.models()
  t.match(m.window, { confirmations: 22, horizonH: 4 })
  // Scorers are judged on the 20 counts; the gap and the empty-shelf fill were chosen by their outcome.
  t.match(m.basis, { sources: ['count', 'check'] })
  t.match(m.allSources, { bySource: { count: { n: 20, empty: 10 }, gap: { n: 1, empty: 1 }, fill: { n: 1, empty: 1 } }, active: { n: 22 } })
  t.match(m.active, { n: 20, empty: 10, auc: Number })
  t.ok(m.active.auc > 0.9, `the empty records scored higher than the stocked shelves: AUC ${m.active.auc}`)
  t.ok(m.active.brier >= 0 && m.active.brier < 0.25, `Brier ${m.active.brier}`)
  t.equal(m.active.calibration.length, 10)
  t.equal(m.active.calibration.reduce((s: number, b: { n: number }) => s + b.n, 0), 20)
  t.same(m.active.byCategory.map((c: { category: string, n: number }) => `${c.category}:${c.n}`), ['FOODS:10', 'HOUSEHOLD:10'])
  t.match(m.rules, { n: 20 }, 'the rules are judged on the same confirmations')
  t.match(m.acting, { n: 20 })
  t.equal(m.candidate, null)

  // Feature drift of the last full pass against the card's training bins.
  t.match(m.drift, { vectors: 23, modelVersion: 'test-1' })
  const psi = Object.fromEntries(m.drift.features.map((f: { feature: string, psi: number }) => [f.feature, f.psi]))
  t.ok(psi.shelf_qty > 0.25, `shelf_qty: every shelf holds far less than the training spread: PSI ${psi.shelf_qty}`)

  const metrics = await h.server.metrics.registry.metrics()
  t.match(metrics, /edge_risk_model_auc\{role="active"\} 0\.9\d*|edge_risk_model_auc\{role="active"\} 1/)
  t.match(metrics, /edge_risk_model_brier\{role="active"\} 0\.\d+/)
  t.match(metrics, /edge_risk_model_auc\{role="rules"\}/)
  t.match(metrics, /edge_risk_psi\{feature="shelf_qty"\} \d/)
  t.match(metrics, /edge_risk_scorer\{scorer="model"\} 23/)
  t.match(metrics, /edge_risk_scoring_seconds_count\{tier="slow"\} \d/)
  t.match(metrics, /edge_risk_scores_total\{tier="fast",scorer="model"\} \d/)

  // The confirmations are kept: a restart reads the window back.
  const rows = h.server.db.prepare('SELECT source, count(*) AS n FROM risk_outcomes GROUP BY source ORDER BY source').all()
  t.same(rows, [{ source: 'count', n: 20 }, { source: 'fill', n: 1 }, { source: 'gap', n: 1 }])
})

t.test('a confirmation with no score in the 4 hours before it is not paired', async (t) => {
  const h = await riskServer(t)
  // Occurred five hours ago, but every score is from now.
  await h.post([event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 }, 5 * 60)])
  t.equal((await h.models()).monitoring.window.confirmations, 0)
})

t.test('the slow tier runs on the simulated clock at the times of riskSlowCron', async (t) => {
  const h = await riskServer(t, { overrides: { clockMode: 'sim', clockStart: '2016-04-25T08:00:00Z', riskSlowCron: '*/5 * * * *' } })
  const put = async (now: string): Promise<void> => {
    const res = await h.server.app.inject({ method: 'PUT', url: '/api/v1/clock', payload: { now } })
    t.equal(res.statusCode, 200, res.body)
  }
  await put('2016-04-25T08:04:59Z')
  t.not((await h.models()).lastPass.slow.at, '2016-04-25T08:05:00.000Z')
  await put('2016-04-25T08:05:30Z')
  t.equal((await h.models()).lastPass.slow.at, '2016-04-25T08:05:00.000Z', 'due at 08:05 simulated, run with the clock reading 08:05')
  t.equal((await h.risk()).scores[0].scoredAt, '2016-04-25T08:05:00.000Z')
  await put('2016-04-25T15:02:00Z')
  t.equal((await h.models()).lastPass.slow.at, '2016-04-25T15:00:00.000Z', 'an overnight jump runs it once, at its latest due time')
})
