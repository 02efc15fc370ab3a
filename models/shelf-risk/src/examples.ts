// The in-memory shape every step of the pipeline shares: labelled feature vectors, stored column by
// column (one Float32Array per feature, FEATURES order) because training reads a feature at a time,
// and converted to row-major only where a model scores vectors (the ONNX input is row-major).

export interface Examples {
  rows: number
  /** One column per feature, each `rows` long. Float32: what the ONNX model will be fed. */
  columns: Float32Array[]
  /** 1 when the shelf was really empty within the horizon, else 0. */
  labels: Uint8Array
}

/** A copy of the rows at `index`, in that order. */
export function selectRows (ex: Examples, index: ArrayLike<number>): Examples {
  const n = index.length
  const columns = ex.columns.map((col) => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = col[index[i]]
    return out
  })
  const labels = new Uint8Array(n)
  for (let i = 0; i < n; i++) labels[i] = ex.labels[index[i]]
  return { rows: n, columns, labels }
}

/** Row-major float32 [rows, features]: the layout of the ONNX input tensor. */
export function rowMajor (ex: Examples): Float32Array {
  const f = ex.columns.length
  const out = new Float32Array(ex.rows * f)
  for (let j = 0; j < f; j++) {
    const col = ex.columns[j]
    for (let i = 0; i < ex.rows; i++) out[i * f + j] = col[i]
  }
  return out
}

/** Scores a feature vector (row-major, starting at `offset`) with a probability. */
export type Scorer = (v: Float32Array, offset: number) => number

/** One score per row. */
export function scoreAll (ex: Examples, score: Scorer): Float64Array {
  const f = ex.columns.length
  const x = rowMajor(ex)
  const out = new Float64Array(ex.rows)
  for (let i = 0; i < ex.rows; i++) out[i] = score(x, i * f)
  return out
}
