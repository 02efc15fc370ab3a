// A tree ensemble (ai.onnx.ml TreeEnsembleRegressor) read back from its ONNX attributes, to explain
// a score the runtime computed. Saabas's method: every node carries a value (here the mean of the
// leaf weights below it, each leaf weighted equally, as the card does not keep training counts);
// walking a vector's decision path, each step's change in value is credited to the feature the
// step split on. A tree's leaf weight = its root value + its credits, so the ensemble's margin
// (before the sigmoid) = bias + the sum of every feature's credit, exactly.

import { FEATURE_COUNT } from '../spec.js'
import { floats, ints, string, strings, type NodeProto } from './onnx-read.js'
import type { Explainer } from './explainer.js'

const MODES = ['LEAF', 'BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'] as const
const LEAF = 0

/** Why the node cannot be explained, or the explainer. */
export function treeExplainer (node: NodeProto): Explainer | string {
  const treeIds = ints(node, 'nodes_treeids')
  const nodeIds = ints(node, 'nodes_nodeids')
  const featureIds = ints(node, 'nodes_featureids')
  const values = floats(node, 'nodes_values')
  const modeNames = strings(node, 'nodes_modes')
  const trueIds = ints(node, 'nodes_truenodeids')
  const falseIds = ints(node, 'nodes_falsenodeids')
  const tTree = ints(node, 'target_treeids')
  const tNode = ints(node, 'target_nodeids')
  const tWeight = floats(node, 'target_weights')
  if (!treeIds || !nodeIds || !featureIds || !modeNames || !trueIds || !falseIds || !tTree || !tNode || !tWeight) return 'tree ensemble attributes are missing'
  const n = treeIds.length
  if ([nodeIds, featureIds, modeNames, trueIds, falseIds].some((a) => a.length !== n) || (values && values.length !== n)) return 'tree ensemble attribute lengths differ'
  if (tNode.length !== tTree.length || tWeight.length !== tTree.length) return 'tree ensemble target lengths differ'
  const aggregate = string(node, 'aggregate_function') ?? 'SUM'
  if (aggregate !== 'SUM' && aggregate !== 'AVERAGE') return `aggregate_function ${aggregate} is not additive`
  const targets = ints(node, 'target_ids')
  if (targets && targets.some((t) => t !== 0)) return 'more than one target'

  const index = new Map<string, number>()
  for (let i = 0; i < n; i++) index.set(`${treeIds[i]}:${nodeIds[i]}`, i)
  const feature = new Int32Array(n)
  const threshold = new Float32Array(n)
  const mode = new Uint8Array(n)
  const yes = new Int32Array(n)
  const no = new Int32Array(n)
  const leafWeight = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const m = MODES.indexOf(modeNames[i] as typeof MODES[number])
    if (m < 0) return `node mode ${modeNames[i]} is not known`
    mode[i] = m
    feature[i] = featureIds[i]
    threshold[i] = values?.[i] ?? 0
    if (m === LEAF) continue
    if (featureIds[i] < 0 || featureIds[i] >= FEATURE_COUNT) return `node splits on feature ${featureIds[i]}, outside the ${FEATURE_COUNT} inputs`
    const y = index.get(`${treeIds[i]}:${trueIds[i]}`)
    const f = index.get(`${treeIds[i]}:${falseIds[i]}`)
    if (y === undefined || f === undefined) return `node ${treeIds[i]}:${nodeIds[i]} points at a node that is not there`
    yes[i] = y
    no[i] = f
  }
  for (let k = 0; k < tTree.length; k++) {
    const i = index.get(`${tTree[k]}:${tNode[k]}`)
    if (i === undefined || mode[i] !== LEAF) return `target weight on ${tTree[k]}:${tNode[k]}, which is not a leaf`
    leafWeight[i] += tWeight[k]
  }
  // Roots: the nodes nobody points at, one per tree, in tree order.
  const pointedAt = new Uint8Array(n)
  for (let i = 0; i < n; i++) if (mode[i] !== LEAF) { pointedAt[yes[i]] = 1; pointedAt[no[i]] = 1 }
  const roots: number[] = []
  for (let i = 0; i < n; i++) if (!pointedAt[i]) roots.push(i)
  const treeCount = new Set(treeIds).size
  if (roots.length !== treeCount) return `${roots.length} roots for ${treeCount} trees`

  const value = nodeValues(roots, mode, yes, no, leafWeight)
  if (typeof value === 'string') return value
  const scale = aggregate === 'AVERAGE' ? 1 / treeCount : 1
  const base = floats(node, 'base_values')?.[0] ?? 0
  let bias = base
  for (const r of roots) bias += value[r] * scale

  const used = new Uint8Array(FEATURE_COUNT)
  for (let i = 0; i < n; i++) if (mode[i] !== LEAF) used[feature[i]] = 1
  // The walk runs for every vector explained (the first write after start explains all 50,000 x
  // ~150 trees x depth 5 = 37 million steps), so each step is a few typed-array reads: the split
  // feature (-1 at a leaf), both children side by side, and the credit of arriving at a node (its
  // value minus its parent's, scaled). Ensembles of x <= t splits only (what models/shelf-risk
  // writes) take a walk without a mode switch.
  const feat = Int32Array.from(feature, (f, i) => mode[i] === LEAF ? -1 : f)
  const kids = new Int32Array(2 * n)
  const gain = new Float64Array(n)
  const thr = Float64Array.from(threshold)
  for (let i = 0; i < n; i++) {
    if (mode[i] === LEAF) continue
    kids[2 * i] = yes[i]
    kids[2 * i + 1] = no[i]
    gain[yes[i]] = (value[yes[i]] - value[i]) * scale
    gain[no[i]] = (value[no[i]] - value[i]) * scale
  }
  const rootList = Int32Array.from(roots)
  const allLeq = mode.every((m) => m === LEAF || m === 1)
  const explain: Explainer['explain'] = allLeq
    ? (x, off, out) => {
        out.fill(0)
        let margin = bias
        for (let t = 0; t < rootList.length; t++) {
          let i = rootList[t]
          let f = feat[i]
          while (f >= 0) {
            i = kids[2 * i + (x[off + f] <= thr[i] ? 0 : 1)]
            const g = gain[i]
            out[f] += g
            margin += g
            f = feat[i]
          }
        }
        return margin
      }
    : (x, off, out) => {
        out.fill(0)
        let margin = bias
        for (let t = 0; t < rootList.length; t++) {
          let i = rootList[t]
          let f = feat[i]
          while (f >= 0) {
            i = kids[2 * i + (branch(mode[i], x[off + f], thr[i]) ? 0 : 1)]
            const g = gain[i]
            out[f] += g
            margin += g
            f = feat[i]
          }
        }
        return margin
      }
  return { kind: 'tree', bias, used, explain }
}

function branch (mode: number, v: number, th: number): boolean {
  switch (mode) {
    case 1: return v <= th
    case 2: return v < th
    case 3: return v >= th
    case 4: return v > th
    case 5: return v === th
    default: return v !== th
  }
}

/** Mean leaf weight below every node (leaves weighted equally), iteratively: trees can be deep. */
function nodeValues (roots: number[], mode: Uint8Array, yes: Int32Array, no: Int32Array, leafWeight: Float64Array): Float64Array | string {
  const n = mode.length
  const sum = new Float64Array(n)
  const leaves = new Float64Array(n)
  const state = new Uint8Array(n) // 0 unseen, 1 children pushed, 2 done
  const stack: number[] = []
  for (const r of roots) {
    stack.push(r)
    while (stack.length > 0) {
      const i = stack[stack.length - 1]
      if (mode[i] === LEAF) { sum[i] = leafWeight[i]; leaves[i] = 1; state[i] = 2; stack.pop(); continue }
      if (state[i] === 0) {
        state[i] = 1
        for (const c of [yes[i], no[i]]) {
          if (state[c] === 1) return 'a tree has a cycle'
          if (state[c] === 0) stack.push(c)
        }
        continue
      }
      stack.pop()
      if (state[i] === 2) continue
      state[i] = 2
      sum[i] = sum[yes[i]] + sum[no[i]]
      leaves[i] = leaves[yes[i]] + leaves[no[i]]
    }
  }
  const value = new Float64Array(n)
  for (let i = 0; i < n; i++) value[i] = leaves[i] > 0 ? sum[i] / leaves[i] : 0
  return value
}
