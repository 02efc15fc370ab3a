// The logistic-regression baseline: what a linear model gets out of the same features, so the card
// can show what the trees add. Features are standardized (training mean and standard deviation),
// the fit is full-batch Newton on the log loss plus lambda/2 * |w|^2 (the intercept is not
// penalized), with step halving if a step does not lower the loss. Deterministic: fixed summation
// order, no randomness. The standardization is folded into the exported weights, so the ONNX graph
// is just sigmoid(x . w + b).

import type { Examples } from './examples.js'

export interface LogisticParams {
  /** L2 penalty on the standardized weights. */
  lambda: number
  maxIterations: number
  /** Stop when no coefficient moves more than this in a step. */
  tolerance: number
}

export const LOGISTIC_DEFAULTS: Readonly<LogisticParams> = { lambda: 1, maxIterations: 50, tolerance: 1e-9 }

export interface LogisticModel {
  featureCount: number
  /** Training mean and standard deviation per feature (1 where a feature never varies). */
  mean: Float64Array
  scale: Float64Array
  /** Weights on the standardized features, and the intercept. */
  coef: Float64Array
  intercept: number
  /** The same model on raw features, float32 as exported: risk = sigmoid(x . weights + bias). */
  weights: Float32Array
  bias: number
  params: LogisticParams
  iterations: number
  converged: boolean
}

export function trainLogistic (train: Examples, params: LogisticParams = LOGISTIC_DEFAULTS): LogisticModel {
  const n = train.rows
  const F = train.columns.length
  const d = F + 1 // the intercept is the last coefficient
  if (n === 0) throw new Error('no training rows')
  const { mean, scale } = standardization(train)
  const y = train.labels

  let positives = 0
  for (let i = 0; i < n; i++) positives += y[i]
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / n))
  let beta = new Float64Array(d)
  beta[F] = Math.log(rate / (1 - rate))

  const z = new Float64Array(d)
  const row = (i: number): Float64Array => {
    for (let j = 0; j < F; j++) z[j] = (train.columns[j][i] - mean[j]) / scale[j]
    z[F] = 1
    return z
  }
  const loss = (b: Float64Array): number => {
    let sum = 0
    for (let i = 0; i < n; i++) sum += logLoss1(dot(b, row(i)), y[i])
    for (let j = 0; j < F; j++) sum += 0.5 * params.lambda * b[j] * b[j]
    return sum
  }

  let current = loss(beta)
  let iterations = 0
  let converged = false
  while (iterations < params.maxIterations && !converged) {
    iterations++
    const grad = new Float64Array(d)
    const hess = new Float64Array(d * d) // lower triangle used
    for (let i = 0; i < n; i++) {
      const x = row(i)
      const p = 1 / (1 + Math.exp(-dot(beta, x)))
      const r = p - y[i]
      const w = Math.max(p * (1 - p), 1e-12)
      for (let j = 0; j < d; j++) {
        grad[j] += r * x[j]
        const wx = w * x[j]
        for (let k = 0; k <= j; k++) hess[j * d + k] += wx * x[k]
      }
    }
    for (let j = 0; j < F; j++) { grad[j] += params.lambda * beta[j]; hess[j * d + j] += params.lambda }
    const step = choleskySolve(hess, grad, d)
    let t = 1
    let next = beta
    let nextLoss = current
    for (let halvings = 0; halvings < 30; halvings++, t /= 2) {
      next = beta.map((b, j) => b - t * step[j])
      nextLoss = loss(next)
      if (nextLoss <= current) break
    }
    if (!(nextLoss <= current)) { converged = true; break } // no step helps: at the optimum to rounding
    let moved = 0
    for (let j = 0; j < d; j++) moved = Math.max(moved, Math.abs(next[j] - beta[j]))
    beta = next
    current = nextLoss
    converged = moved < params.tolerance
  }

  const coef = beta.slice(0, F)
  const intercept = beta[F]
  const weights = new Float32Array(F)
  let bias = intercept
  for (let j = 0; j < F; j++) {
    weights[j] = coef[j] / scale[j]
    bias -= coef[j] * mean[j] / scale[j]
  }
  return { featureCount: F, mean, scale, coef, intercept, weights, bias: Math.fround(bias), params: { ...params }, iterations, converged }
}

/** Probability of the label for the vector at `offset`, from the exported float32 weights. */
export function logisticRisk (m: LogisticModel, v: ArrayLike<number>, offset = 0): number {
  let s = 0
  for (let j = 0; j < m.featureCount; j++) s += m.weights[j] * v[offset + j]
  return 1 / (1 + Math.exp(-(s + m.bias)))
}

function standardization (ex: Examples): { mean: Float64Array, scale: Float64Array } {
  const F = ex.columns.length
  const mean = new Float64Array(F)
  const scale = new Float64Array(F)
  for (let j = 0; j < F; j++) {
    const c = ex.columns[j]
    let s = 0
    for (let i = 0; i < ex.rows; i++) s += c[i]
    const m = s / ex.rows
    let ss = 0
    for (let i = 0; i < ex.rows; i++) ss += (c[i] - m) ** 2
    const sd = Math.sqrt(ss / ex.rows)
    mean[j] = m
    scale[j] = sd > 1e-12 ? sd : 1
  }
  return { mean, scale }
}

function dot (a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let j = 0; j < a.length; j++) s += a[j] * b[j]
  return s
}

function logLoss1 (m: number, y: number): number {
  const s = y === 1 ? m : -m
  return s > 0 ? Math.log1p(Math.exp(-s)) : -s + Math.log1p(Math.exp(s))
}

/** Solves A x = b for symmetric positive definite A (lower triangle of a d x d row-major array). */
function choleskySolve (a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d)
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]
    for (let k = 0; k < j; k++) s -= l[j * d + k] ** 2
    if (!(s > 0)) throw new Error('logistic: Hessian is not positive definite (set lambda > 0)')
    const ljj = Math.sqrt(s)
    l[j * d + j] = ljj
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]
      for (let k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k]
      l[i * d + j] = t / ljj
    }
  }
  const yv = new Float64Array(d)
  for (let i = 0; i < d; i++) {
    let s = b[i]
    for (let k = 0; k < i; k++) s -= l[i * d + k] * yv[k]
    yv[i] = s / l[i * d + i]
  }
  const x = new Float64Array(d)
  for (let i = d - 1; i >= 0; i--) {
    let s = yv[i]
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k]
    x[i] = s / l[i * d + i]
  }
  return x
}
