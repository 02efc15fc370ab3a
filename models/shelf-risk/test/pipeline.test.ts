import { createHash } from 'node:crypto'
import t from 'tap'
import { FEATURE_NAMES } from '../../../edge/src/scoring/spec.js'
import { renderCard } from '../src/card-markdown.js'
import { readDataset } from '../src/dataset.js'
import { GBDT_DEFAULTS } from '../src/gbdt.js'
import { LOGISTIC_DEFAULTS } from '../src/logistic.js'
import { runPipeline, type PipelineOptions } from '../src/pipeline.js'
import { writeSyntheticRuns } from './synthetic.js'

const dir = t.testdir({})
writeSyntheticRuns(dir, [1, 2, 3, 4, 5, 6], 1500)
const data = await readDataset(dir)
const opts: PipelineOptions = { gbdt: { ...GBDT_DEFAULTS, trees: 40, seed: 5 }, logistic: LOGISTIC_DEFAULTS }
const first = runPipeline(data, opts)
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

t.test('training twice on the same data with the same seed gives the same bytes', async (t) => {
  const again = runPipeline(data, opts)
  t.ok(Buffer.from(first.gbdtOnnx).equals(again.gbdtOnnx), 'GBDT .onnx identical')
  t.ok(Buffer.from(first.logisticOnnx).equals(again.logisticOnnx), 'logistic .onnx identical')
  t.equal(sha256(again.gbdtOnnx), sha256(first.gbdtOnnx))
  t.equal(JSON.stringify(again.card), JSON.stringify(first.card), 'the card too')
  t.equal(renderCard(again.card), renderCard(first.card))
})

t.test('another seed gives other trees, and another version', async (t) => {
  const other = runPipeline(data, { ...opts, gbdt: { ...opts.gbdt, seed: 6 } })
  t.notOk(Buffer.from(first.gbdtOnnx).equals(other.gbdtOnnx))
  t.not(other.card.version, first.card.version)
  t.ok(Buffer.from(first.logisticOnnx).equals(other.logisticOnnx) === false, 'the version is in the logistic file too')
})

t.test('each card names its file by sha256, and the run by data, seeds and parameters', async (t) => {
  const c = first.card
  t.match(c, { id: 'shelf-risk', kind: 'gbdt', file: 'shelf-risk.onnx', sha256: sha256(first.gbdtOnnx), bytes: first.gbdtOnnx.length })
  t.match(first.logisticCard, { id: 'shelf-risk-logistic', kind: 'logistic', file: 'shelf-risk-logistic.onnx', sha256: sha256(first.logisticOnnx), version: c.version })
  t.same(c.related.map((r) => [r.kind, r.sha256]), [['logistic', sha256(first.logisticOnnx)], ['rules', null]])
  t.match(c.version, /^1\.0\.0\+[0-9a-f]{12}$/)
  t.equal(c.training.dataSha256, data.sha256)
  t.same(c.training.seeds, { train: [1, 2, 3, 4], validation: [5], test: [6] })
  t.same(c.training.files.map((f) => f.name), ['run-1.csv', 'run-2.csv', 'run-3.csv', 'run-4.csv', 'run-5.csv', 'run-6.csv'])
  t.equal(c.training.splits.train.rows + c.training.splits.validation.rows + c.training.splits.test.rows, data.rows)
  t.equal(c.hyperParameters.seed, 5)
  t.same(c.features.map((f) => f.name), FEATURE_NAMES)
  for (const card of [c, first.logisticCard]) {
    t.ok(Math.abs(card.features.reduce((s, f) => s + f.importance, 0) - 1) < 1e-9, `${card.kind}: importance shares sum to 1`)
  }
})

t.test('the GBDT, the logistic baseline and the rules are scored on the test seeds side by side', async (t) => {
  const { metrics, evaluation: e } = first.card
  t.same(e.seeds, [6])
  for (const k of ['gbdt', 'logistic', 'rules'] as const) {
    t.equal(metrics[k].rows, 1500)
    t.equal(e.calibration[k].length, 10)
    t.equal(e.calibration[k].reduce((s, b) => s + b.rows, 0), 1500)
  }
  t.ok((metrics.gbdt.auc ?? 0) > (metrics.logistic.auc ?? 1), 'the trees beat the line on a nonlinear truth')
  t.same(e.perCategory.map((g) => g.category).sort(), ['FOODS', 'HOBBIES', 'HOUSEHOLD'])
  t.ok(e.perCategory.every((g) => g.auc.gbdt !== null && g.auc.logistic !== null && g.auc.rules !== null))
  t.same(e.perScenario.map((g) => g.scenario), ['typical'])
  t.same(e.perPolicy.map((g) => g.policy), ['store-edge'])
  t.same(first.logisticCard.metrics, metrics, 'both cards carry the same comparison')
})

t.test('the card carries the training distribution of every feature for drift monitoring', async (t) => {
  const c = first.card
  t.equal(c.drift.rows, c.training.splits.train.rows)
  t.same(c.features.map((f) => f.name), FEATURE_NAMES, 'every feature, in spec order')
  for (const f of c.features) {
    t.equal(f.shares.length, f.edges.length + 1, `${f.name}: a share per bin`)
    t.ok(Math.abs(f.shares.reduce((s, x) => s + x, 0) - 1) < 1e-9, `${f.name}: shares sum to 1`)
    t.ok(f.edges.every((e, i) => i === 0 || e > f.edges[i - 1]), `${f.name}: edges ascend`)
    t.ok(f.edges.length <= 9 && f.edges.every((e) => e >= f.min && e < f.max), `${f.name}: edges inside the range seen`)
    t.ok(f.min <= f.mean && f.mean <= f.max, `${f.name}: mean inside the range seen`)
  }
  const hour = c.features.find((f) => f.name === 'hour')
  t.match(hour, { min: 8, max: 21, clamp: { min: 0, max: 23 } }, 'the range seen in training (synthetic hours 8-21), and the spec range')
  t.match(c.drift.binRule, /x <= edges\[k\]/)
})

t.test('MODEL_CARD.md renders the tables people read', async (t) => {
  const md = renderCard(first.card)
  t.match(md, `# Model card: shelf-risk ${first.card.version}`)
  t.match(md, first.card.sha256)
  t.match(md, /\| GBDT \(this model\) \| 0\.\d{4} \| 0\.\d{4} \| 0\.\d{4} \|/)
  t.match(md, /\| rules \(server fallback\) \|/)
  t.match(md, /## Drift monitoring/)
  t.match(md, 'mean \\|counted - record\\|', 'a | in a doc is escaped, not a new cell')
  for (const name of FEATURE_NAMES) t.match(md, `| \`${name}\` |`)
})
