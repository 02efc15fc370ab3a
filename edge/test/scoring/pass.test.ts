// One scoring pass, on its own: what it does with vectors the book could not make finite, with a
// model that fails to run, and with a store large enough to need many runtime batches.

import t from 'tap'
import { silentLog } from '../../src/core/log.js'
import { loadModel, readModelFile } from '../../src/scoring/model/load.js'
import { CurrentScores, topOf } from '../../src/scoring/service/current.js'
import { rangeLimits } from '../../src/scoring/service/governance.js'
import { scorePass, type FeatureSource, type PassModels } from '../../src/scoring/service/pass.js'
import { clampFeatures, FEATURE_COUNT, FEATURE_INDEX } from '../../src/scoring/spec.js'
import { rmrf, tempDir } from '../helpers/server.js'
import { treeModel, writeModel } from './models.js'

async function testModel (t: { teardown (fn: () => unknown): void }): Promise<PassModels['active']> {
  const dir = tempDir('risk-pass-')
  t.teardown(() => rmrf(dir))
  const model = await loadModel(readModelFile(writeModel(dir, 'm', treeModel())))
  t.teardown(() => model.dispose())
  return { model, limits: rangeLimits(model.card, 0.2, model.used) }
}

/** A book stand-in whose vectors are written by `fill` and clamped as the real one clamps them. */
function source (n: number, fill: (i: number, v: Float32Array, off: number) => void): FeatureSource {
  const keys = Array.from({ length: n }, (_, i) => ({ sku: `SKU_${i}`, location: 'A01-1' }))
  return {
    keys: () => keys,
    vector (sku, _location, _nowMs, out, off = 0) {
      out.fill(0, off, off + FEATURE_COUNT)
      out[off + FEATURE_INDEX.cover_h] = 24
      fill(Number(sku.slice(4)), out, off)
      return clampFeatures(out, off)
    }
  }
}

const models = (active: PassModels['active']): PassModels => ({ active, missing: { reason: 'model_missing', detail: '' }, candidate: null, drift: null })

t.test('a vector with NaN or Infinity is clamped, scored by rules, and says so', async (t) => {
  const active = await testModel(t)
  const scores = new CurrentScores()
  const src = source(3, (i, v, off) => {
    if (i === 0) v[off + FEATURE_INDEX.rate_now] = Number.NaN
    if (i === 1) v[off + FEATURE_INDEX.cover_h] = Number.POSITIVE_INFINITY
    v[off + FEATURE_INDEX.shelf_qty] = 5
  })
  const res = await scorePass({ keys: src.keys(), source: src, models: models(active), scores, nowMs: 0, tier: 'slow', batchRows: 2000, log: silentLog() })
  t.same(res, { scored: 3, model: 1, rules: 2 })
  const nan = scores.get('SKU_0', 'A01-1')!
  t.match(nan, { scorer: 'rules', reason: 'non_finite_input', reasonDetail: '1 feature(s) were NaN or infinite before clamping' })
  t.equal(nan.features[FEATURE_INDEX.rate_now], 0, 'NaN became the range\'s lower bound')
  t.ok(Number.isFinite(nan.score) && nan.modelScore !== null && Number.isFinite(nan.modelScore))
  const inf = scores.get('SKU_1', 'A01-1')!
  t.match(inf, { scorer: 'rules', reason: 'non_finite_input' })
  t.equal(inf.features[FEATURE_INDEX.cover_h], 1000, 'Infinity became the range\'s upper bound')
  t.match(scores.get('SKU_2', 'A01-1'), { scorer: 'model', reason: null })
  t.ok(topOf(scores.get('SKU_2', 'A01-1')!).length > 0)
})

t.test('a model that fails to run leaves rules scoring, reason model_run_failed; nothing throws', async (t) => {
  const active = await testModel(t)
  const broken = { ...active!, model: { ...active!.model, run: async () => { throw new Error('onnxruntime: session released') } } }
  const scores = new CurrentScores()
  const src = source(5, () => {})
  const res = await scorePass({ keys: src.keys(), source: src, models: models(broken), scores, nowMs: 0, tier: 'fast', batchRows: 2, log: silentLog() })
  t.same(res, { scored: 5, model: 0, rules: 5 })
  t.match(scores.get('SKU_4', 'A01-1'), { scorer: 'rules', reason: 'model_run_failed', reasonDetail: 'onnxruntime: session released', modelScore: null })
})

t.test('a large pass runs the model in batches and gives the event loop a turn between them', async (t) => {
  const active = await testModel(t)
  const scores = new CurrentScores()
  const src = source(10_000, (i, v, off) => { v[off + FEATURE_INDEX.shelf_qty] = i % 7 })
  let runs = 0
  const counted = { ...active!, model: { ...active!.model, run: (x: Float32Array, n: number) => { runs++; return active!.model.run(x, n) } } }
  let turns = 0
  const timer = setInterval(() => { turns++ }, 0)
  const res = await scorePass({ keys: src.keys(), source: src, models: models(counted), scores, nowMs: 0, tier: 'slow', batchRows: 1000, log: silentLog() })
  clearInterval(timer)
  t.equal(res.scored, 10_000)
  t.equal(runs, 10, '1,000 vectors per runtime call')
  t.ok(turns >= 5, `timers ran ${turns} times during the pass`)
  t.equal(scores.size, 10_000)
})
