// Loading a shelf-risk model: a good one scores through onnxruntime and explains its scores; every
// way a file can be wrong is refused at load with a stable code, before it could score anything.

import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadModel, readModelFile } from '../../src/scoring/model/load.js'
import { topContributions } from '../../src/scoring/model/explainer.js'
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES } from '../../src/scoring/spec.js'
import { rmrf, tempDir } from '../helpers/server.js'
import { cardFor, expectedRisk, logisticModel, treeModel, writeModel } from './models.js'

function dir (t: { teardown (fn: () => void): void }): string {
  const d = tempDir('risk-model-')
  t.teardown(() => rmrf(d))
  return d
}

function vector (values: Partial<Record<string, number>>): Float32Array {
  const x = new Float32Array(FEATURE_COUNT)
  x[FEATURE_INDEX.shelf_qty] = 20
  x[FEATURE_INDEX.cover_h] = 24
  for (const [k, v] of Object.entries(values)) x[FEATURE_INDEX[k as keyof typeof FEATURE_INDEX]] = v!
  return x
}

t.test('a tree ensemble scores in onnxruntime and each score is explained by the features on its path', async (t) => {
  const path = writeModel(dir(t), 'shelf-risk', treeModel())
  const model = await loadModel(readModelFile(path))
  t.teardown(() => model.dispose())
  t.match(model, { version: 'test-1', kind: 'tree', explainNote: null, path })
  t.equal(model.sha256.length, 64)

  const empty = vector({ shelf_qty: 0, obs_gap: 1 })
  const stocked = vector({ shelf_qty: 40, cover_h: 30 })
  const x = new Float32Array(2 * FEATURE_COUNT)
  x.set(empty, 0)
  x.set(stocked, FEATURE_COUNT)
  const p = await model.run(x, 2)
  t.ok(Math.abs(p[0] - expectedRisk(empty)) < 1e-6, `empty shelf with a camera gap: ${p[0]}`)
  t.ok(Math.abs(p[1] - expectedRisk(stocked)) < 1e-6, `stocked shelf: ${p[1]}`)

  const credit = new Float64Array(FEATURE_COUNT)
  const margin = model.explainer!.explain(x, 0, credit)
  t.ok(Math.abs(1 / (1 + Math.exp(-margin)) - p[0]) < 1e-6, 'bias + credits = the runtime\'s margin')
  const top = topContributions(x, 0, credit)
  // Tree 1's mean leaf is 1.5 and the empty record's leaf 4: +2.5; tree 2's mean 1.25, the gap's 3: +1.75.
  t.same(top, [{ feature: 'shelf_qty', value: 0, contribution: 2.5 }, { feature: 'obs_gap', value: 1, contribution: 1.75 }], 'nothing else was split on')
  t.ok(top[0].contribution > 0 && top[1].contribution > 0, 'both push the risk up')
  model.explainer!.explain(x, FEATURE_COUNT, credit)
  t.ok(credit[FEATURE_INDEX.shelf_qty] < 0 && credit[FEATURE_INDEX.obs_gap] < 0, 'stock on the shelf and no gap pull it down')
})

t.test('a logistic model is explained by weight x (value - training mean)', async (t) => {
  const bytes = logisticModel({ shelf_qty: -0.02, obs_gap: 2 }, -1)
  const path = writeModel(dir(t), 'baseline', bytes)
  const model = await loadModel(readModelFile(path))
  t.teardown(() => model.dispose())
  t.equal(model.kind, 'logistic')
  const x = vector({ shelf_qty: 0, obs_gap: 1 })
  const credit = new Float64Array(FEATURE_COUNT)
  const margin = model.explainer!.explain(x, 0, credit)
  const [p] = await model.run(x, 1)
  t.ok(Math.abs(1 / (1 + Math.exp(-margin)) - p) < 1e-6)
  // card means: shelf_qty (0 + 500) / 2 = 250, obs_gap 0.5
  t.ok(Math.abs(credit[FEATURE_INDEX.shelf_qty] - (-0.02 * (0 - 250))) < 1e-5, 'an empty shelf is 250 units below the average row')
  t.ok(Math.abs(credit[FEATURE_INDEX.obs_gap] - 2 * (1 - 0.5)) < 1e-5)
})

t.test('a missing file is MODEL_NOT_FOUND', async (t) => {
  t.throws(() => readModelFile(join(dir(t), 'nope.onnx')), { code: 'EDGE_ERR_MODEL_NOT_FOUND' })
})

t.test('a truncated or corrupt file is refused as MODEL_INVALID, naming the file', async (t) => {
  const d = dir(t)
  const bytes = treeModel()
  const truncated = writeModel(d, 'truncated', bytes.subarray(0, Math.floor(bytes.length / 2)), cardFor(bytes, { sha256: null }))
  await t.rejects(loadModel(readModelFile(truncated)), { code: 'EDGE_ERR_MODEL_INVALID', message: /truncated\.onnx/ })
  const junk = Buffer.from('this is not a model, just some text that happens to end in .onnx')
  const corrupt = writeModel(d, 'corrupt', junk, cardFor(junk))
  await t.rejects(loadModel(readModelFile(corrupt)), { code: 'EDGE_ERR_MODEL_INVALID' })
  const empty = writeModel(d, 'empty', new Uint8Array(0), cardFor(new Uint8Array(0)))
  await t.rejects(loadModel(readModelFile(empty)), { code: 'EDGE_ERR_MODEL_INVALID' })
})

t.test('a model that does not take the 22 features or give "risk" [N, 1] is refused as MODEL_CONTRACT', async (t) => {
  const d = dir(t)
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['wrong-width', treeModel({ inputShape: ['N', 21] }), /shape \[N, 21\], expected \[N, 22\]/],
    ['fixed-batch', treeModel({ inputShape: [1, FEATURE_COUNT] }), /N dynamic/],
    ['wrong-input', treeModel({ inputName: 'x' }), /inputs are \[x\]/],
    ['wrong-output', treeModel({ outputName: 'probability' }), /outputs are \[probability\]/],
    ['double-input', treeModel({ inputType: 11 }), /is float64, expected float32/]
  ]
  for (const [name, bytes, message] of cases) {
    const path = writeModel(d, name, bytes)
    await t.rejects(loadModel(readModelFile(path)), { code: /EDGE_ERR_MODEL_(CONTRACT|INVALID)/, message }, name)
  }
})

t.test('a card that is missing, names other features, or belongs to another file is MODEL_CARD', async (t) => {
  const d = dir(t)
  const bytes = treeModel()
  await t.rejects(loadModel(readModelFile(writeModel(d, 'no-card', bytes, null))), { code: 'EDGE_ERR_MODEL_CARD', message: /no model card/ })
  const swapped = [...FEATURE_NAMES]
  ;[swapped[0], swapped[1]] = [swapped[1], swapped[0]]
  await t.rejects(loadModel(readModelFile(writeModel(d, 'swapped', bytes, cardFor(bytes, { features: swapped })))),
    { code: 'EDGE_ERR_MODEL_CARD', message: /position 0 is "shelf_fill", expected "shelf_qty"/ })
  await t.rejects(loadModel(readModelFile(writeModel(d, 'short', bytes, cardFor(bytes, { features: FEATURE_NAMES.slice(0, 21) })))),
    { code: 'EDGE_ERR_MODEL_CARD', message: /21 named, 22 expected/ })
  await t.rejects(loadModel(readModelFile(writeModel(d, 'other-sha', bytes, cardFor(bytes, { sha256: 'ab'.repeat(32) })))),
    { code: 'EDGE_ERR_MODEL_CARD', message: /belongs to another file/ })
  const path = writeModel(d, 'bad-json', bytes)
  writeFileSync(path.replace('.onnx', '.card.json'), '{"version": ')
  await t.rejects(loadModel(readModelFile(path)), { code: 'EDGE_ERR_MODEL_CARD', message: /not JSON/ })
})

t.test('a model file overwritten on disk is noticed; the loaded session keeps scoring the old bytes', async (t) => {
  const d = dir(t)
  const path = writeModel(d, 'shelf-risk', treeModel())
  const model = await loadModel(readModelFile(path))
  t.teardown(() => model.dispose())
  t.equal(model.fileChanged(), null)
  const before = await model.run(vector({ shelf_qty: 0 }), 1)
  writeFileSync(path, readFileSync(path).subarray(0, 40))
  t.match(model.fileChanged(), /changed on disk after it was loaded/)
  const after = await model.run(vector({ shelf_qty: 0 }), 1)
  t.same(after, before, 'same scores: the session holds the model it loaded')
})
