// What the pipeline writes is what the store server loads: its own loader (edge/src/scoring/model)
// reads both files with their cards, checks the input/output contract, and reads the graphs back
// to explain scores, which must reproduce the runtime's answers.

import { join } from 'node:path'
import t from 'tap'
import { loadModel, readModelFile } from '../../../edge/src/scoring/model/load.js'
import { FEATURE_COUNT, FEATURE_NAMES } from '../../../edge/src/scoring/spec.js'
import { writeArtifacts } from '../src/artifacts.js'
import { readDataset } from '../src/dataset.js'
import { rowMajor } from '../src/examples.js'
import { GBDT_DEFAULTS, predictRisk } from '../src/gbdt.js'
import { LOGISTIC_DEFAULTS } from '../src/logistic.js'
import { runPipeline } from '../src/pipeline.js'
import { syntheticRows, toExamples, writeSyntheticRuns } from './synthetic.js'

t.test('the server loads both models with their cards, explains them, and scores as the pipeline does', async (t) => {
  const dir = t.testdir({ data: {}, out: {} })
  writeSyntheticRuns(join(dir, 'data'), [1, 2, 3, 4], 1000)
  const r = runPipeline(await readDataset(join(dir, 'data')), { gbdt: { ...GBDT_DEFAULTS, trees: 30 }, logistic: LOGISTIC_DEFAULTS })
  await writeArtifacts(join(dir, 'out'), r)

  const gbdt = await loadModel(readModelFile(join(dir, 'out', 'shelf-risk.onnx')))
  t.teardown(() => gbdt.dispose())
  t.match(gbdt, { kind: 'tree', version: r.card.version, sha256: r.card.sha256, explainNote: null })
  t.ok(gbdt.explainer !== null, 'the trees read back reproduce the runtime')
  t.same(gbdt.card.features, FEATURE_NAMES)
  t.same(gbdt.card.stats.map((s) => [s.min, s.max, s.edges?.length, s.shares?.length]),
    r.card.features.map((f) => [f.min, f.max, f.edges.length, f.shares.length]), 'training ranges and PSI bins as the card has them')

  const logistic = await loadModel(readModelFile(join(dir, 'out', 'shelf-risk-logistic.onnx')))
  t.teardown(() => logistic.dispose())
  t.match(logistic, { kind: 'logistic', sha256: r.logisticCard.sha256, explainNote: null }, 'its own card, found as shelf-risk-logistic.card.json')
  t.ok(logistic.explainer !== null)

  const x = rowMajor(toExamples(syntheticRows([9], 300, 5)))
  const p = await gbdt.run(x, 300)
  let worst = 0
  for (let i = 0; i < 300; i++) worst = Math.max(worst, Math.abs(p[i] - predictRisk(r.gbdt, x, i * FEATURE_COUNT)))
  t.ok(worst < 1e-5, `server scores = pipeline scores (max diff ${worst.toExponential(2)})`)
})
