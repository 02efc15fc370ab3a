// The two models as ONNX, in the layout the server loads (edge/src/scoring/spec.ts):
// input MODEL_INPUT float32 [N, FEATURE_COUNT] (N dynamic, dim_param "N"), output MODEL_OUTPUT
// float32 [N, 1], the probability of the label.
//
// GBDT:      features -> ai.onnx.ml TreeEnsembleRegressor (SUM of leaf weights + base_values,
//            post_transform NONE) -> "margin" [N, 1] -> Sigmoid -> risk
// logistic:  features -> MatMul(weights [F, 1]) -> Add(bias [1]) -> "margin" [N, 1] -> Sigmoid -> risk
//
// Tree nodes keep our numbering (depth-first, root 0, one tree id per boosting round). A branch is
// BRANCH_LEQ on float32 thresholds (x <= t goes to nodes_truenodeids, our left child); NaN goes to
// the false branch (nodes_missing_value_tracks_true 0), as in our predictor. nodes_hitrates carries
// each node's training cover (hessian sum): the runtime ignores it, and an explainer reading the
// trees back can weigh branches with it.

import { FEATURE_COUNT, FEATURE_NAMES, HORIZON_H, MODEL_INPUT, MODEL_OUTPUT } from '../../../edge/src/scoring/spec.js'
import type { GbdtModel } from './gbdt.js'
import type { LogisticModel } from './logistic.js'
import { attr, encodeModel, floatTensor, floatValue, ML_DOMAIN, type Node } from './onnx-build.js'

/** Bump when the graph layout above changes (the server may check it). */
export const MODEL_FORMAT_VERSION = 1

export interface ExportMeta {
  /** e.g. "shelf-risk" */
  modelId: string
  /** The model's version string (pipeline version + a digest of data, parameters and seed). */
  version: string
  /** Version of this pipeline. */
  pipelineVersion: string
  /** sha256 of the training data (dataset.ts). */
  dataSha256: string
  seed: number
  docString: string
}

function metadata (m: ExportMeta, kind: string): Array<[string, string]> {
  return [
    ['model_id', m.modelId],
    ['version', m.version],
    ['kind', kind],
    ['training_data_sha256', m.dataSha256],
    ['seed', String(m.seed)],
    ['features', FEATURE_NAMES.join(',')],
    ['feature_count', String(FEATURE_COUNT)],
    ['horizon_h', String(HORIZON_H)],
    ['input', MODEL_INPUT],
    ['output', MODEL_OUTPUT]
  ]
}

const io = {
  inputs: [floatValue(MODEL_INPUT, ['N', FEATURE_COUNT])],
  outputs: [floatValue(MODEL_OUTPUT, ['N', 1])]
}

const sigmoid: Node = { name: 'sigmoid', opType: 'Sigmoid', input: ['margin'], output: [MODEL_OUTPUT] }

export function gbdtToOnnx (model: GbdtModel, meta: ExportMeta): Uint8Array {
  if (model.featureCount !== FEATURE_COUNT) throw new Error(`model has ${model.featureCount} features, the spec ${FEATURE_COUNT}`)
  const n = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    hitrates: [] as number[]
  }
  const leaf = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] }
  model.trees.forEach((t, tree) => {
    for (let k = 0; k < t.feature.length; k++) {
      const isLeaf = t.feature[k] < 0
      n.treeIds.push(tree)
      n.nodeIds.push(k)
      n.featureIds.push(isLeaf ? 0 : t.feature[k])
      n.values.push(isLeaf ? 0 : t.threshold[k])
      n.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ')
      n.trueIds.push(isLeaf ? 0 : t.left[k])
      n.falseIds.push(isLeaf ? 0 : t.right[k])
      n.hitrates.push(t.cover[k])
      if (isLeaf) {
        leaf.treeIds.push(tree)
        leaf.nodeIds.push(k)
        leaf.weights.push(t.value[k])
      }
    }
  })
  const ensemble: Node = {
    name: 'trees',
    opType: 'TreeEnsembleRegressor',
    domain: ML_DOMAIN,
    input: [MODEL_INPUT],
    output: ['margin'],
    attribute: [
      attr.string('aggregate_function', 'SUM'),
      attr.floats('base_values', [model.baseScore]),
      attr.int('n_targets', 1),
      attr.floats('nodes_hitrates', n.hitrates),
      attr.ints('nodes_falsenodeids', n.falseIds),
      attr.ints('nodes_featureids', n.featureIds),
      attr.ints('nodes_missing_value_tracks_true', n.treeIds.map(() => 0)),
      attr.strings('nodes_modes', n.modes),
      attr.ints('nodes_nodeids', n.nodeIds),
      attr.ints('nodes_treeids', n.treeIds),
      attr.ints('nodes_truenodeids', n.trueIds),
      attr.floats('nodes_values', n.values),
      attr.string('post_transform', 'NONE'),
      attr.ints('target_ids', leaf.treeIds.map(() => 0)),
      attr.ints('target_nodeids', leaf.nodeIds),
      attr.ints('target_treeids', leaf.treeIds),
      attr.floats('target_weights', leaf.weights)
    ]
  }
  return encodeModel({
    graphName: 'shelf_risk_gbdt',
    nodes: [ensemble, sigmoid],
    ...io,
    ml: true,
    producerVersion: meta.pipelineVersion,
    modelVersion: MODEL_FORMAT_VERSION,
    docString: meta.docString,
    metadata: [...metadata(meta, 'gbdt'), ['trees', String(model.trees.length)], ['base_score', String(model.baseScore)]]
  })
}

export function logisticToOnnx (model: LogisticModel, meta: ExportMeta): Uint8Array {
  if (model.featureCount !== FEATURE_COUNT) throw new Error(`model has ${model.featureCount} features, the spec ${FEATURE_COUNT}`)
  return encodeModel({
    graphName: 'shelf_risk_logistic',
    nodes: [
      { name: 'linear', opType: 'MatMul', input: [MODEL_INPUT, 'weights'], output: ['linear'] },
      { name: 'bias', opType: 'Add', input: ['linear', 'bias'], output: ['margin'] },
      sigmoid
    ],
    ...io,
    initializers: [floatTensor('weights', [FEATURE_COUNT, 1], model.weights), floatTensor('bias', [1], [model.bias])],
    ml: false,
    producerVersion: meta.pipelineVersion,
    modelVersion: MODEL_FORMAT_VERSION,
    docString: meta.docString,
    metadata: metadata(meta, 'logistic')
  })
}
