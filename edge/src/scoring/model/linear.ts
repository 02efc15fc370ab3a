// A logistic model (MatMul + Add + Sigmoid, or Gemm + Sigmoid) read back from its ONNX graph. Its
// margin is b + sum(w_j x_j); each feature's credit is w_j (x_j - mean_j), its pull away from an
// average training row (card means; 0 where the card has none), so the credits say what makes this
// shelf different, and bias = b + sum(w_j mean_j).

import { FEATURE_COUNT } from '../spec.js'
import type { Explainer } from './explainer.js'
import { attribute, constants, int, tensorDims, tensorValues, type Graph } from './onnx-read.js'

export function logisticExplainer (graph: Graph, input: string, means: Array<number | null>): Explainer | string {
  const consts = constants(graph)
  const nodes = graph.node ?? []
  let w: number[] | null = null
  let b = 0
  let out: string | undefined
  const gemm = nodes.find((n) => n.opType === 'Gemm' && n.input?.[0] === input)
  const matmul = nodes.find((n) => n.opType === 'MatMul' && n.input?.[0] === input)
  if (gemm) {
    const t = consts.get(gemm.input?.[1] ?? '')
    if (!t) return 'Gemm weights are not a constant'
    const dims = tensorDims(t)
    const transB = int(gemm, 'transB') === 1
    if (dims.length !== 2 || (transB ? dims[0] !== 1 || dims[1] !== FEATURE_COUNT : dims[0] !== FEATURE_COUNT || dims[1] !== 1)) return `Gemm weights have shape [${dims.join(', ')}]`
    w = tensorValues(t)
    const c = gemm.input?.[2] ? consts.get(gemm.input[2]) : undefined
    b = c ? tensorValues(c)[0] ?? 0 : 0
    for (const k of ['alpha', 'beta']) {
      const a = attribute(gemm, k)
      if (a && a.f !== 1) return `Gemm ${k} other than 1 is not supported`
    }
    out = gemm.output?.[0]
  } else if (matmul) {
    const t = consts.get(matmul.input?.[1] ?? '')
    if (!t) return 'MatMul weights are not a constant'
    w = tensorValues(t)
    out = matmul.output?.[0]
    const add = nodes.find((n) => n.opType === 'Add' && n.input?.includes(out ?? ''))
    if (add) {
      const other = add.input?.find((i) => i !== out)
      const c = other ? consts.get(other) : undefined
      if (!c) return 'Add of a non-constant'
      b = tensorValues(c)[0] ?? 0
      out = add.output?.[0]
    }
  } else {
    return 'no MatMul or Gemm on the input'
  }
  if (!w || w.length !== FEATURE_COUNT) return `${w?.length ?? 0} weights for ${FEATURE_COUNT} features`
  const weights = Float64Array.from(w)
  const mean = Float64Array.from(means, (m) => m ?? 0)
  let bias = b
  for (let j = 0; j < FEATURE_COUNT; j++) bias += weights[j] * mean[j]
  return {
    kind: 'logistic',
    bias,
    used: Uint8Array.from(weights, (v) => v !== 0 ? 1 : 0),
    explain (x, off, credit) {
      let margin = bias
      for (let j = 0; j < FEATURE_COUNT; j++) {
        const c = weights[j] * (x[off + j] - mean[j])
        credit[j] = c
        margin += c
      }
      return margin
    }
  }
}
