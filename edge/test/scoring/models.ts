// Shelf-risk model files for tests, written with onnx-proto the way models/shelf-risk writes them:
// a tiny tree ensemble (TreeEnsembleRegressor, ai.onnx.ml opset 3, then Sigmoid) and a logistic
// model (MatMul + Add + Sigmoid), input "features" float32 [N, 22], output "risk" float32 [N, 1],
// each with its model card beside it.

import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'
import { FEATURE_COUNT, FEATURE_INDEX, FEATURES, type FeatureName } from '../../src/scoring/spec.js'

const { onnx } = onnxProto
const A = onnx.AttributeProto.AttributeType

export interface Split { feature: FeatureName, threshold: number, yes: Tree, no: Tree }
/** A leaf weight (log-odds) or a split: x[feature] <= threshold goes to `yes`. */
export type Tree = number | Split

/**
 * The default ensemble. Margin = -2 + tree 1 + tree 2:
 * an empty record (shelf_qty <= 0.5) adds 4; else under 4 hours of cover adds 1.5, else -1;
 * an unfilled camera gap adds 3, else -0.5.
 */
export const DEFAULT_TREES: Tree[] = [
  { feature: 'shelf_qty', threshold: 0.5, yes: 4, no: { feature: 'cover_h', threshold: 4, yes: 1.5, no: -1 } },
  { feature: 'obs_gap', threshold: 0.5, yes: -0.5, no: 3 }
]
export const DEFAULT_BASE = -2

export interface ModelOptions {
  trees?: Tree[]
  base?: number
  inputName?: string
  outputName?: string
  /** Input shape; strings are symbolic dimensions. */
  inputShape?: Array<number | string>
  inputType?: number
}

const vi = (name: string, dims: Array<number | string>, elemType = 1): onnxProto.onnx.IValueInfoProto =>
  ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => typeof d === 'string' ? { dimParam: d } : { dimValue: d }) } } } })

function model (nodes: onnxProto.onnx.INodeProto[], inputs: onnxProto.onnx.IValueInfoProto[], outputs: onnxProto.onnx.IValueInfoProto[], initializer: onnxProto.onnx.ITensorProto[] = []): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'store-edge tests',
    opsetImport: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
    graph: { name: 'shelf-risk', node: nodes, input: inputs, output: outputs, initializer }
  })
  return onnx.ModelProto.encode(m).finish()
}

/** A tree ensemble + Sigmoid. */
export function treeModel (opts: ModelOptions = {}): Uint8Array {
  const trees = opts.trees ?? DEFAULT_TREES
  const cols = { tree: [] as number[], node: [] as number[], feature: [] as number[], value: [] as number[], mode: [] as string[], yes: [] as number[], no: [] as number[] }
  const targets = { tree: [] as number[], node: [] as number[], weight: [] as number[] }
  trees.forEach((tree, t) => {
    let next = 0
    const add = (n: Tree): number => {
      const id = next++
      const at = cols.tree.length
      cols.tree.push(t); cols.node.push(id)
      if (typeof n === 'number') {
        cols.feature.push(0); cols.value.push(0); cols.mode.push('LEAF'); cols.yes.push(0); cols.no.push(0)
        targets.tree.push(t); targets.node.push(id); targets.weight.push(n)
        return id
      }
      cols.feature.push(FEATURE_INDEX[n.feature]); cols.value.push(n.threshold); cols.mode.push('BRANCH_LEQ'); cols.yes.push(-1); cols.no.push(-1)
      cols.yes[at] = add(n.yes)
      cols.no[at] = add(n.no)
      return id
    }
    add(tree)
  })
  const ints = (name: string, v: number[]): onnxProto.onnx.IAttributeProto => ({ name, type: A.INTS, ints: v })
  const floats = (name: string, v: number[]): onnxProto.onnx.IAttributeProto => ({ name, type: A.FLOATS, floats: v })
  const node: onnxProto.onnx.INodeProto = {
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    input: [opts.inputName ?? 'features'],
    output: ['margin'],
    attribute: [
      ints('nodes_treeids', cols.tree), ints('nodes_nodeids', cols.node), ints('nodes_featureids', cols.feature),
      floats('nodes_values', cols.value), { name: 'nodes_modes', type: A.STRINGS, strings: cols.mode.map((m) => Buffer.from(m)) },
      ints('nodes_truenodeids', cols.yes), ints('nodes_falsenodeids', cols.no),
      ints('target_treeids', targets.tree), ints('target_nodeids', targets.node), ints('target_ids', targets.tree.map(() => 0)),
      floats('target_weights', targets.weight), floats('base_values', [opts.base ?? DEFAULT_BASE]),
      { name: 'n_targets', type: A.INT, i: 1 }, { name: 'post_transform', type: A.STRING, s: Buffer.from('NONE') }
    ]
  }
  const output = opts.outputName ?? 'risk'
  return model(
    [node, { opType: 'Sigmoid', input: ['margin'], output: [output] }],
    [vi(opts.inputName ?? 'features', opts.inputShape ?? ['N', FEATURE_COUNT], opts.inputType ?? 1)],
    [vi(output, ['N', 1])]
  )
}

/** A logistic model: sigmoid(x . weights + bias). */
export function logisticModel (weights: Partial<Record<FeatureName, number>>, bias: number): Uint8Array {
  const w = new Array<number>(FEATURE_COUNT).fill(0)
  for (const [k, v] of Object.entries(weights)) w[FEATURE_INDEX[k as FeatureName]] = v
  return model(
    [
      { opType: 'MatMul', input: ['features', 'W'], output: ['xw'] },
      { opType: 'Add', input: ['xw', 'b'], output: ['margin'] },
      { opType: 'Sigmoid', input: ['margin'], output: ['risk'] }
    ],
    [vi('features', ['N', FEATURE_COUNT])],
    [vi('risk', ['N', 1])],
    [{ name: 'W', dataType: 1, dims: [FEATURE_COUNT, 1], floatData: w }, { name: 'b', dataType: 1, dims: [1], floatData: [bias] }]
  )
}

/** Training ranges of the test card: the spec's, narrower where a test goes outside them. */
export const TRAINING_MAX: Partial<Record<FeatureName, number>> = { shelf_qty: 500, backroom_qty: 2000, cover_h: 1000, rate_day: 400, rate_now: 50 }

export interface CardOptions {
  version?: string
  /** Leave the sha256 out, or state a wrong one. */
  sha256?: string | null
  features?: string[]
  /** PSI reference: every feature's training values spread evenly over [min, max]. */
  spread?: boolean
}

export function cardFor (bytes: Uint8Array, opts: CardOptions = {}): Record<string, unknown> {
  const names = opts.features ?? FEATURES.map((f) => f.name)
  return {
    id: 'shelf-risk',
    version: opts.version ?? 'test-1',
    ...(opts.sha256 === null ? {} : { sha256: opts.sha256 ?? createHash('sha256').update(bytes).digest('hex') }),
    features: names.map((name, i) => {
      const spec = FEATURES[i] ?? FEATURES[0]
      const min = Math.max(spec.min, 0)
      const max = TRAINING_MAX[name as FeatureName] ?? Math.min(spec.max, 100)
      const edges = Array.from({ length: 9 }, (_, k) => min + (max - min) * (k + 1) / 10)
      return { name, min, max, mean: (min + max) / 2, edges, shares: new Array(10).fill(0.1) }
    }),
    metrics: { auc: 0.8, brier: 0.1 }
  }
}

/** Writes `name`.onnx and its card (`name`.card.json) into `dir`; returns the .onnx path. */
export function writeModel (dir: string, name: string, bytes: Uint8Array, card: Record<string, unknown> | null = cardFor(bytes)): string {
  const path = join(dir, `${name}.onnx`)
  writeFileSync(path, bytes)
  if (card) writeFileSync(join(dir, `${name}.card.json`), JSON.stringify(card, null, 2))
  return path
}

/** The default ensemble's probability for a vector, computed by hand: what the server must answer. */
export function expectedRisk (x: ArrayLike<number>, trees: Tree[] = DEFAULT_TREES, base = DEFAULT_BASE): number {
  let m = base
  for (let t of trees) {
    while (typeof t !== 'number') t = x[FEATURE_INDEX[t.feature]] <= t.threshold ? t.yes : t.no
    m += t
  }
  return 1 / (1 + Math.exp(-m))
}
