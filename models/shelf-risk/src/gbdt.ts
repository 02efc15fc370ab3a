// Gradient-boosted regression trees on the logistic loss, written for this one job: a few hundred
// thousand rows of FEATURE_COUNT features, a binary label, trees exported to ONNX.
//
// Each round fits one tree to Newton steps of the log loss at the current margins: per row the
// gradient g = p - y and hessian h = p(1 - p); a split gains
//   1/2 [ G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda) ]
// and a leaf moves the margin by -learningRate * G / (H + lambda). Splits are searched on
// histograms over quantile bins (bins.ts); the larger child's histogram is the parent's minus the
// smaller child's. Rows are subsampled per tree with our seeded generator, and boosting stops once
// the validation loss (seeds the trees never saw) has not improved for `earlyStoppingRounds`.
//
// Deterministic: every sum runs over rows in ascending order (partitions are stable), ties between
// splits go to the lowest feature and bin, and the only randomness is prng(seed). Same data and
// params, same trees, bit for bit.

import type { Binned } from './bins.js'
import { binColumns } from './bins.js'
import type { Examples } from './examples.js'
import { prng } from './prng.js'

export interface GbdtParams {
  /** Most boosting rounds (trees); early stopping may keep fewer. */
  trees: number
  /** Splits from root to leaf; a tree has at most 2^maxDepth leaves. */
  maxDepth: number
  /** Shrinks each tree's leaf values. */
  learningRate: number
  /** L2 penalty on leaf values (added to the hessian sum). */
  lambda: number
  /** Least hessian sum in a child; p(1 - p) <= 0.25 per row, so 1 means at least 4 rows. */
  minChildWeight: number
  /** Least gain for a split to be kept. */
  minSplitGain: number
  /** Share of training rows each tree sees, (0, 1]. */
  subsample: number
  /** Histogram bins per feature, 2-256. */
  maxBins: number
  /** Stop after this many rounds without a better validation loss; 0 never stops early. */
  earlyStoppingRounds: number
  seed: number
}

export const GBDT_DEFAULTS: Readonly<GbdtParams> = {
  trees: 200,
  maxDepth: 5,
  learningRate: 0.1,
  lambda: 1,
  minChildWeight: 1,
  minSplitGain: 0,
  subsample: 0.8,
  maxBins: 64,
  earlyStoppingRounds: 20,
  seed: 1
}

/** One tree as flat arrays; node 0 is the root and nodes are numbered depth-first, left first. */
export interface Tree {
  /** Split feature; -1 marks a leaf. */
  feature: Int32Array
  /** x <= threshold goes left (ONNX BRANCH_LEQ, true branch); float32 like the runtime's. */
  threshold: Float32Array
  left: Int32Array
  right: Int32Array
  /** Margin added at a leaf (learning rate included), float32 as exported; 0 on branches. */
  value: Float32Array
  /** Hessian sum of the sampled training rows that reached the node (XGBoost's "cover"). */
  cover: Float32Array
  /** Loss reduction of the split; 0 on leaves. */
  gain: Float32Array
}

export interface Round {
  round: number
  /** Mean log loss on the validation rows after this round; NaN without validation rows. */
  validLogLoss: number
}

export interface GbdtModel {
  featureCount: number
  /** Margin (log-odds) before any tree: the training positive rate, float32. */
  baseScore: number
  trees: Tree[]
  params: GbdtParams
  history: Round[]
}

export interface TrainOptions {
  /** Seeds held out for early stopping; without them every round is kept. */
  validation?: Examples
  onRound?: (r: Round) => void
}

export function trainGbdt (train: Examples, params: GbdtParams, opts: TrainOptions = {}): GbdtModel {
  checkParams(params)
  const n = train.rows
  if (n === 0) throw new Error('no training rows')
  const y = train.labels
  let positives = 0
  for (let i = 0; i < n; i++) positives += y[i]
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / n))
  const baseScore = Math.fround(Math.log(rate / (1 - rate)))

  const binned = binColumns(train.columns, params.maxBins)
  const grower = new TreeGrower(binned, params)
  const rng = prng(params.seed)
  const margin = new Float64Array(n).fill(baseScore)
  const valid = opts.validation
  const vMargin = new Float64Array(valid?.rows ?? 0).fill(baseScore)
  const trees: Tree[] = []
  const history: Round[] = []
  let best = { round: -1, loss: Infinity }

  for (let round = 0; round < params.trees; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i])
      grower.g[i] = p - y[i]
      grower.h[i] = Math.max(p * (1 - p), 1e-16) // never 0: a saturated row still weighs a little
    }
    const tree = grower.grow(sampleRows(n, params.subsample, rng))
    trees.push(tree)
    addTree(tree, train, margin)
    let validLogLoss = NaN
    if (valid !== undefined && valid.rows > 0) {
      addTree(tree, valid, vMargin)
      validLogLoss = meanLogLoss(vMargin, valid.labels)
      if (validLogLoss < best.loss) best = { round, loss: validLogLoss }
    }
    const r = { round, validLogLoss }
    history.push(r)
    opts.onRound?.(r)
    if (params.earlyStoppingRounds > 0 && best.round >= 0 && round - best.round >= params.earlyStoppingRounds) break
  }
  // With early stopping, keep the trees up to the best validation round; without it, all of them.
  const keep = params.earlyStoppingRounds > 0 && best.round >= 0 ? best.round + 1 : trees.length
  return { featureCount: train.columns.length, baseScore, trees: trees.slice(0, keep), params: { ...params }, history }
}

/** The margin (log-odds) for the vector at `offset`, summed in float32 as the ONNX runtime does. */
export function predictMargin (model: GbdtModel, v: ArrayLike<number>, offset = 0): number {
  let acc = 0
  for (const t of model.trees) acc = Math.fround(acc + t.value[leafOf(t, v, offset)])
  return Math.fround(acc + model.baseScore)
}

/** Probability of the label for the vector at `offset`. */
export function predictRisk (model: GbdtModel, v: ArrayLike<number>, offset = 0): number {
  return sigmoid(predictMargin(model, v, offset))
}

export function leafOf (t: Tree, v: ArrayLike<number>, offset = 0): number {
  let node = 0
  for (let f = t.feature[0]; f >= 0; f = t.feature[node]) {
    node = v[offset + f] <= t.threshold[node] ? t.left[node] : t.right[node]
  }
  return node
}

export function sigmoid (m: number): number {
  return 1 / (1 + Math.exp(-m))
}

/** Gain summed over every split on each feature: which features the trees lean on. */
export function gainByFeature (model: GbdtModel): Float64Array {
  const out = new Float64Array(model.featureCount)
  for (const t of model.trees) {
    for (let k = 0; k < t.feature.length; k++) if (t.feature[k] >= 0) out[t.feature[k]] += t.gain[k]
  }
  return out
}

function checkParams (p: GbdtParams): void {
  const bad = (k: keyof GbdtParams, why: string): never => { throw new Error(`gbdt ${k} = ${p[k]}: ${why}`) }
  if (!Number.isInteger(p.trees) || p.trees < 1) bad('trees', 'must be a whole number >= 1')
  if (!Number.isInteger(p.maxDepth) || p.maxDepth < 1 || p.maxDepth > 12) bad('maxDepth', 'must be 1-12')
  if (!(p.learningRate > 0 && p.learningRate <= 1)) bad('learningRate', 'must be in (0, 1]')
  if (!(p.lambda >= 0)) bad('lambda', 'must be >= 0')
  if (!(p.minChildWeight >= 0)) bad('minChildWeight', 'must be >= 0')
  if (!(p.minSplitGain >= 0)) bad('minSplitGain', 'must be >= 0')
  if (!(p.subsample > 0 && p.subsample <= 1)) bad('subsample', 'must be in (0, 1]')
  if (!Number.isInteger(p.earlyStoppingRounds) || p.earlyStoppingRounds < 0) bad('earlyStoppingRounds', 'must be a whole number >= 0')
  if (!Number.isInteger(p.seed)) bad('seed', 'must be a whole number')
}

/** Ascending indices of the rows this tree sees. */
function sampleRows (n: number, share: number, rng: ReturnType<typeof prng>): Uint32Array {
  if (share >= 1) return Uint32Array.from({ length: n }, (_, i) => i)
  const idx = new Uint32Array(n)
  let k = 0
  for (let i = 0; i < n; i++) if (rng.next() < share) idx[k++] = i
  return idx.slice(0, k)
}

function addTree (t: Tree, ex: Examples, margin: Float64Array): void {
  const cols = ex.columns
  for (let i = 0; i < ex.rows; i++) {
    let node = 0
    for (let f = t.feature[0]; f >= 0; f = t.feature[node]) {
      node = cols[f][i] <= t.threshold[node] ? t.left[node] : t.right[node]
    }
    margin[i] += t.value[node]
  }
}

function meanLogLoss (margin: Float64Array, y: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < margin.length; i++) {
    // log(1 + e^-m) for a positive, log(1 + e^m) for a negative, computed without overflow
    const m = y[i] === 1 ? margin[i] : -margin[i]
    sum += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m))
  }
  return sum / margin.length
}

interface Split { feature: number, bin: number, gain: number, gl: number, hl: number }

/** Grows one tree at a time over fixed bins; g and h are set by the caller each round. */
class TreeGrower {
  readonly g: Float64Array
  readonly h: Float64Array
  private readonly f: number
  /** Histogram stride per feature: the most bins any feature has. */
  private readonly stride: number
  private scratch: Uint32Array
  private nodes: { feature: number, threshold: number, left: number, right: number, value: number, cover: number, gain: number }[] = []

  constructor (private readonly binned: Binned, private readonly p: GbdtParams) {
    this.g = new Float64Array(binned.rows)
    this.h = new Float64Array(binned.rows)
    this.f = binned.features
    this.stride = Math.max(1, ...binned.thresholds.map((t) => t.length + 1))
    this.scratch = new Uint32Array(binned.rows)
  }

  grow (idx: Uint32Array): Tree {
    this.nodes = []
    let G = 0
    let H = 0
    for (let i = 0; i < idx.length; i++) { G += this.g[idx[i]]; H += this.h[idx[i]] }
    const hist = this.p.maxDepth > 0 ? this.histogram(idx, 0, idx.length) : undefined
    this.node(idx, 0, idx.length, 0, hist, G, H)
    const n = this.nodes.length
    const t: Tree = {
      feature: new Int32Array(n),
      threshold: new Float32Array(n),
      left: new Int32Array(n),
      right: new Int32Array(n),
      value: new Float32Array(n),
      cover: new Float32Array(n),
      gain: new Float32Array(n)
    }
    this.nodes.forEach((x, k) => {
      t.feature[k] = x.feature
      t.threshold[k] = x.threshold
      t.left[k] = x.left
      t.right[k] = x.right
      t.value[k] = x.value
      t.cover[k] = x.cover
      t.gain[k] = x.gain
    })
    return t
  }

  /** Adds the node for idx[start, end) and its subtree; returns its number. */
  private node (idx: Uint32Array, start: number, end: number, depth: number, hist: Float64Array | undefined, G: number, H: number): number {
    const id = this.nodes.length
    const leafValue = Math.fround(-this.p.learningRate * G / (H + this.p.lambda))
    this.nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: leafValue, cover: H, gain: 0 })
    const split = hist === undefined ? undefined : this.bestSplit(hist, G, H)
    if (split === undefined) return id

    const { feature: f, bin: k } = split
    const bins = this.binned.bins
    const F = this.f
    let w = start
    let s = 0
    for (let i = start; i < end; i++) {
      const r = idx[i]
      if (bins[r * F + f] <= k) idx[w++] = r
      else this.scratch[s++] = r
    }
    idx.set(this.scratch.subarray(0, s), w)
    const mid = w

    // Children at maxDepth are leaves and need no histogram. Otherwise build the smaller child's
    // and turn the parent's (no longer needed) into the larger one's by subtraction.
    let histL: Float64Array | undefined
    let histR: Float64Array | undefined
    if (depth + 1 < this.p.maxDepth) {
      const leftSmaller = mid - start <= end - mid
      const small = leftSmaller ? this.histogram(idx, start, mid) : this.histogram(idx, mid, end)
      const big = hist as Float64Array
      for (let o = 0; o < big.length; o++) big[o] -= small[o]
      histL = leftSmaller ? small : big
      histR = leftSmaller ? big : small
    }
    const node = this.nodes[id]
    node.feature = f
    node.threshold = this.binned.thresholds[f][k]
    node.value = 0
    node.gain = split.gain
    node.left = this.node(idx, start, mid, depth + 1, histL, split.gl, split.hl)
    node.right = this.node(idx, mid, end, depth + 1, histR, G - split.gl, H - split.hl)
    return id
  }

  /** Interleaved (g, h) sums per feature and bin over idx[start, end). */
  private histogram (idx: Uint32Array, start: number, end: number): Float64Array {
    const F = this.f
    const S = this.stride
    const hist = new Float64Array(F * S * 2)
    const bins = this.binned.bins
    const g = this.g
    const h = this.h
    for (let i = start; i < end; i++) {
      const r = idx[i]
      const gr = g[r]
      const hr = h[r]
      const base = r * F
      for (let j = 0; j < F; j++) {
        const o = (j * S + bins[base + j]) * 2
        hist[o] += gr
        hist[o + 1] += hr
      }
    }
    return hist
  }

  private bestSplit (hist: Float64Array, G: number, H: number): Split | undefined {
    const { lambda, minSplitGain } = this.p
    // A floor under the child weight: an empty child's hessian sum is rounding residue, not 0.
    const minChildWeight = Math.max(this.p.minChildWeight, 1e-6)
    const parent = G * G / (H + lambda)
    let best: Split | undefined
    let bestGain = minSplitGain
    for (let j = 0; j < this.f; j++) {
      const cuts = this.binned.thresholds[j].length
      let gl = 0
      let hl = 0
      for (let k = 0; k < cuts; k++) {
        const o = (j * this.stride + k) * 2
        gl += hist[o]
        hl += hist[o + 1]
        if (hl < minChildWeight) continue
        const hr = H - hl
        if (hr < minChildWeight) break // only shrinks from here
        const gr = G - gl
        const gain = 0.5 * (gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent)
        if (gain > bestGain) {
          bestGain = gain
          best = { feature: j, bin: k, gain, gl, hl }
        }
      }
    }
    return best
  }
}
