// When the model may not act, rules score, and every score says why: no model, a model file that
// is refused, inputs beyond what it was trained on, calibration that drifted from what the store
// confirms, a model file swapped on disk while the server runs. The server keeps scoring and
// answering through all of it.

import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { memoryLog } from '../serial/memory-log.js'
import { rmrf, tempDir } from '../helpers/server.js'
import { event, riskServer } from './harness.js'
import { cardFor, treeModel, writeModel } from './models.js'

t.test('without a model, rules score every shelf and say so', async (t) => {
  const h = await riskServer(t, { model: 'none' })
  const { scores } = await h.risk()
  t.equal(scores.length, 3)
  for (const s of scores) t.match(s, { scorer: 'rules', version: 'rules@1', modelVersion: null, reason: 'model_missing', modelScore: null })
  await h.post([event('sale', { sku: 'FOODS_1_001', location: 'A01-1', qty: 10 })])
  await h.rescore()
  const [empty] = await h.itemRisk('FOODS_1_001')
  t.match(empty, { scorer: 'rules', reason: 'model_missing' })
  t.ok(empty.score > 0.9, `the record says empty: ${empty.score}`)
  t.match(empty.why[0], { feature: 'shelf_qty', value: 0, contribution: 0.9 }, 'rule scores are explained by the rules that fired')
  t.match((await h.models()).problem, { reason: 'model_missing', detail: /riskModelPath is "none"/ })
})

t.test('a corrupt model file at start is refused with its code: the server starts, rules score, the log and the API say why', async (t) => {
  const { log, lines } = memoryLog()
  const dir = tempDir('risk-models-')
  t.teardown(() => rmrf(dir))
  const path = join(dir, 'shelf-risk.onnx')
  writeFileSync(path, 'not a model')
  writeFileSync(join(dir, 'shelf-risk.card.json'), JSON.stringify(cardFor(Buffer.from('not a model'))))
  const h = await riskServer(t, { model: path, dir, log })
  const [s] = (await h.risk('?limit=1')).scores
  t.match(s, { scorer: 'rules', reason: 'model_failed_to_load', reasonDetail: /^EDGE_ERR_MODEL_INVALID: model .*shelf-risk\.onnx is not an ONNX model/ })
  t.match((await h.models()).problem, { reason: 'model_failed_to_load', code: 'EDGE_ERR_MODEL_INVALID', path })
  t.ok(lines.some((l) => l.msg === 'model refused' && l.level === 50), 'logged as an error')
  t.ok(lines.some((l) => l.msg === 'no shelf-risk model active: rules score every shelf'))
  t.equal((await h.server.app.inject({ url: '/api/v1/health' })).statusCode, 200)
})

t.test('a model file that is not there: rules, reason model_missing with the path', async (t) => {
  const dir = tempDir('risk-models-')
  t.teardown(() => rmrf(dir))
  const h = await riskServer(t, { model: join(dir, 'gone.onnx'), dir })
  t.match((await h.risk()).scores[0], { scorer: 'rules', reason: 'model_missing', reasonDetail: /EDGE_ERR_MODEL_NOT_FOUND: model file .*gone\.onnx does not exist/ })
})

t.test('a shelf beyond the training range is scored by rules, the others by the model', async (t) => {
  const h = await riskServer(t)
  // The test card's shelf_qty range is 0-500: with the 20 % tolerance, above 600 is beyond it.
  await h.post([event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 5000 })])
  await h.server.risk.fastIdle()
  const [big] = await h.itemRisk('FOODS_1_001')
  t.match(big, { scorer: 'rules', reason: 'out_of_training_range', reasonDetail: 'shelf_qty = 5000 is above 600 (training max 500)', modelVersion: 'test-1' })
  t.ok(big.modelScore !== null, 'the model\'s own score is still kept, for monitoring')
  t.equal((await h.itemRisk('FOODS_1_002'))[0].scorer, 'model')
  const models = await h.models()
  t.match(models.scorers, { model: 2, rules: 1 })
  t.match(models.rulesReasons, { out_of_training_range: 1 })
})

t.test('calibration that drifts beyond the bound hands scoring to rules until it recovers', async (t) => {
  const h = await riskServer(t, { overrides: { riskCalibrationMinCount: 3, riskCalibrationBound: 0.15 } })
  // The model gives every stocked shelf ~3 %; the store finds all three empty.
  await h.post([
    event('cycle_count', { sku: 'FOODS_1_001', location: 'A01-1', qty: 0 }),
    event('cycle_count', { sku: 'FOODS_1_002', location: 'A01-2', qty: 0 }),
    event('cycle_count', { sku: 'DAIRY_1_001', location: 'COOL-1', qty: 0 })
  ])
  await h.rescore()
  const models = await h.models()
  t.match(models.governance.calibrationDrift, /mean predicted risk is below the observed empty rate by 0\.\d+ over 3 shelf counts and checks \(bound 0\.15\)/)
  t.match(models.monitoring.active, { n: 3, empty: 3 })
  const { scores } = await h.risk()
  for (const s of scores) t.match(s, { scorer: 'rules', reason: 'calibration_drift' })
  t.match(await h.server.metrics.registry.metrics(), /edge_risk_calibration_gap\{role="active"\} -0\.9/)
  t.match(await h.server.metrics.registry.metrics(), /edge_risk_scorer\{scorer="rules"\} 3/)
})

t.test('gap detections alone never make the model look miscalibrated: a camera reports a gap only because the shelf is empty', async (t) => {
  const h = await riskServer(t, { overrides: { riskCalibrationMinCount: 3, riskCalibrationBound: 0.15 } })
  await h.post([
    event('gap_detected', { sku: 'FOODS_1_001', location: 'A01-1' }),
    event('gap_detected', { sku: 'FOODS_1_002', location: 'A01-2' }),
    event('gap_detected', { sku: 'DAIRY_1_001', location: 'COOL-1' })
  ])
  await h.rescore()
  const models = await h.models()
  t.equal(models.governance.calibrationDrift, null)
  t.match(models.monitoring.allSources, { bySource: { gap: { n: 3, empty: 3 } } }, 'the gaps are still kept and shown')
  t.match(models.monitoring, { basis: { sources: ['count', 'check'] }, active: { n: 0 } }, 'but scorers are judged on counts and checks')
  const { scores } = await h.risk()
  t.ok(scores.every((s: { scorer: string }) => s.scorer === 'model'))
})

t.test('a model file overwritten on disk while the server runs: the loaded model keeps scoring; after a restart the one active before stays', async (t) => {
  const { log, lines } = memoryLog()
  const dataDir = tempDir('risk-data-')
  t.teardown(() => rmrf(dataDir))
  const dir = tempDir('risk-models-')
  t.teardown(() => rmrf(dir))
  const path = writeModel(dir, 'shelf-risk', treeModel())
  const first = await riskServer(t, { model: path, dir, dataDir, log })
  writeFileSync(path, Buffer.from('half a model'))
  await first.rescore()
  const [s] = (await first.risk('?limit=1')).scores
  t.match(s, { scorer: 'model', version: 'test-1' }, 'scores go on from the session loaded before')
  t.match((await first.models()).active.fileChanged, /changed on disk after it was loaded; the loaded model \(sha256 [0-9a-f]{12}\) stays active/)
  t.ok(lines.some((l) => l.msg === 'active model file changed on disk'))
  await first.server.close()

  lines.length = 0
  const second = await riskServer(t, { model: path, dir, dataDir, log })
  t.match((await second.risk('?limit=1')).scores[0], { scorer: 'model', version: 'test-1' }, 'the copy kept when it was activated')
  t.ok(lines.some((l) => l.msg === 'configured model refused; the model active before stays active'))
  t.match((await second.models()).active, { version: 'test-1', origin: 'config' })

  // A good new file at the configured path is activated at the next start, and audited.
  await second.server.close()
  writeModel(dir, 'shelf-risk', treeModel({ base: -1 }), cardFor(treeModel({ base: -1 }), { version: 'test-3' }))
  const third = await riskServer(t, { model: path, dir, dataDir })
  const m = await third.models()
  t.match(m.active, { version: 'test-3' })
  t.match(m.audit[0], { action: 'model.activate', actor: 'system', detail: { version: 'test-3', reason: 'the configured model changed' } })
})
