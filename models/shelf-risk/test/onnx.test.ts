import ort from 'onnxruntime-node'
import type { onnx as OnnxTypes } from 'onnx-proto'
import t from 'tap'
import { FEATURE_COUNT, FEATURE_NAMES, FEATURES } from '../../../edge/src/scoring/spec.js'
import { rowMajor } from '../src/examples.js'
import { GBDT_DEFAULTS, predictRisk, trainGbdt, type GbdtModel } from '../src/gbdt.js'
import { logisticRisk, trainLogistic } from '../src/logistic.js'
import { decodeModel } from '../src/onnx-build.js'
import { gbdtToOnnx, logisticToOnnx, type ExportMeta } from '../src/onnx-export.js'
import { prng } from '../src/prng.js'
import { nextFloat32, syntheticRows, toExamples } from './synthetic.js'

const train = toExamples(syntheticRows([1, 2], 4000, 21))
const gbdt = trainGbdt(train, { ...GBDT_DEFAULTS, trees: 40, seed: 3 })
const logistic = trainLogistic(train)
const meta: ExportMeta = { modelId: 'shelf-risk', version: '1.0.0+test', pipelineVersion: '1.0.0', dataSha256: 'ab'.repeat(32), seed: 3, docString: 'test' }
const gbdtBytes = gbdtToOnnx(gbdt, meta)
const logisticBytes = logisticToOnnx(logistic, meta)

/** Scores row-major vectors in onnxruntime, checking the output is [N, 1]. */
async function runOnnx (bytes: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const n = x.length / FEATURE_COUNT
  const session = await ort.InferenceSession.create(bytes)
  const out = await session.run({ features: new ort.Tensor('float32', x, [n, FEATURE_COUNT]) })
  if (out.risk.dims.join() !== `${n},1`) throw new Error(`risk is [${out.risk.dims.join(', ')}], not [${n}, 1]`)
  return out.risk.data as Float32Array
}

function maxDiff (a: Float32Array, score: (v: Float32Array, o: number) => number, x: Float32Array): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - score(x, i * FEATURE_COUNT)))
  return d
}

/** Vectors drawn across each feature's whole spec range, float32. */
function randomVectors (n: number, seed: number): Float32Array {
  const rng = prng(seed)
  const x = new Float32Array(n * FEATURE_COUNT)
  for (let i = 0; i < n; i++) {
    FEATURES.forEach((f, j) => {
      // Half near the low end (where the data lives), half anywhere in the range.
      const span = rng.next() < 0.5 ? Math.min(f.max - f.min, 100) : f.max - f.min
      x[i * FEATURE_COUNT + j] = f.min + span * rng.next()
    })
  }
  return x
}

/** For every split of every tree: a data row with the split feature at, just above and just below the threshold. */
function boundaryVectors (m: GbdtModel, base: Float32Array): Float32Array {
  const out: number[] = []
  let row = 0
  for (const tree of m.trees) {
    for (let k = 0; k < tree.feature.length; k++) {
      if (tree.feature[k] < 0) continue
      const th = tree.threshold[k]
      for (const x of [th, nextFloat32(th, 1), nextFloat32(th, -1)]) {
        const v = Array.from(base.subarray(row * FEATURE_COUNT, (row + 1) * FEATURE_COUNT))
        v[tree.feature[k]] = x
        out.push(...v)
        row = (row + 1) % (base.length / FEATURE_COUNT)
      }
    }
  }
  return Float32Array.from(out)
}

t.test('the GBDT file is a TreeEnsembleRegressor then a Sigmoid, features [N, 22] in, risk [N, 1] out', async (t) => {
  const m = decodeModel(gbdtBytes)
  t.equal(m.producerName, 'store-edge models/shelf-risk')
  t.same(m.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', 13], ['ai.onnx.ml', 3]])
  const g = m.graph ?? {}
  const nodes = g.node ?? []
  t.same(nodes.map((n) => [n.opType, n.domain]), [['TreeEnsembleRegressor', 'ai.onnx.ml'], ['Sigmoid', '']])
  const shape = (v: OnnxTypes.IValueInfoProto | undefined): unknown[] => (v?.type?.tensorType?.shape?.dim ?? [])
    .map((d) => (typeof d.dimParam === 'string' && d.dimParam !== '' ? d.dimParam : Number(d.dimValue)))
  const [input] = g.input ?? []
  const [output] = g.output ?? []
  t.same([input?.name, shape(input)], ['features', ['N', 22]])
  t.same([output?.name, shape(output)], ['risk', ['N', 1]])
  const attrs = new Map((nodes[0]?.attribute ?? []).map((a) => [a.name, a]))
  const text = (b: Uint8Array | null | undefined): string => new TextDecoder().decode(b ?? new Uint8Array())
  t.same([...new Set((attrs.get('nodes_modes')?.strings ?? []).map(text))].sort(), ['BRANCH_LEQ', 'LEAF'])
  t.equal(text(attrs.get('post_transform')?.s), 'NONE')
  t.equal(text(attrs.get('aggregate_function')?.s), 'SUM')
  t.equal(attrs.get('base_values')?.floats?.[0], gbdt.baseScore)
  const meta = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]))
  t.match(meta, { model_id: 'shelf-risk', version: '1.0.0+test', seed: '3', training_data_sha256: 'ab'.repeat(32), features: FEATURE_NAMES.join(','), trees: '40' })
  t.notOk(Object.keys(meta).some((k) => /time|date|created_at/.test(k)), 'no timestamps')
})

t.test('onnxruntime gives the JS predictor\'s probabilities on data rows and across the spec ranges', async (t) => {
  const rows = rowMajor(toExamples(syntheticRows([9], 2000, 22)))
  const wide = randomVectors(2000, 5)
  for (const [what, x] of [['data rows', rows], ['random vectors', wide]] as const) {
    const d = maxDiff(await runOnnx(gbdtBytes, x), (v, o) => predictRisk(gbdt, v, o), x)
    t.ok(d < 1e-5, `${what}: max |onnx - js| = ${d.toExponential(2)}`)
  }
})

t.test('a value exactly at a threshold goes the same way in onnxruntime as in training (x <= t is true)', async (t) => {
  const x = boundaryVectors(gbdt, rowMajor(toExamples(syntheticRows([9], 200, 23))))
  t.ok(x.length / FEATURE_COUNT > 1000, `${x.length / FEATURE_COUNT} vectors at, above and below every threshold`)
  const d = maxDiff(await runOnnx(gbdtBytes, x), (v, o) => predictRisk(gbdt, v, o), x)
  t.ok(d < 1e-5, `max |onnx - js| = ${d.toExponential(2)}`)
})

t.test('one row at a time works too: N is dynamic', async (t) => {
  const x = rowMajor(toExamples(syntheticRows([9], 1, 24)))
  const [p] = await runOnnx(gbdtBytes, x)
  t.ok(Math.abs(p - predictRisk(gbdt, x)) < 1e-5)
})

t.test('the logistic baseline exports as MatMul, Add, Sigmoid with the same probabilities', async (t) => {
  const m = decodeModel(logisticBytes)
  t.same((m.graph?.node ?? []).map((n) => n.opType), ['MatMul', 'Add', 'Sigmoid'])
  t.same(m.opsetImport.map((o) => o.domain), [''], 'no ai.onnx.ml needed')
  const x = rowMajor(toExamples(syntheticRows([9], 2000, 25)))
  const d = maxDiff(await runOnnx(logisticBytes, x), (v, o) => logisticRisk(logistic, v, o), x)
  t.ok(d < 1e-5, `max |onnx - js| = ${d.toExponential(2)}`)
})
