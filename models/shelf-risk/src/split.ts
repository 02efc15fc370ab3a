// Which simulator runs train the model, which stop its boosting, which judge it. Always by seed,
// never by row: rows of one run share its store, its shocks and its hour-to-hour carry-over, so a
// row-level split would grade the model on near-copies of what it trained on.

export interface SeedSplit {
  train: number[]
  validation: number[]
  test: number[]
}

export interface SplitOptions {
  /** Seeds held out for the metrics; default the highest ~20% (at least one). */
  test?: number[]
  /** Seeds for early stopping; default the ~15% (at least one) below the test seeds. */
  validation?: number[]
}

/** Splits the distinct seeds; the default is a plain rule on sorted seeds, readable in the card. */
export function splitSeeds (seeds: ArrayLike<number>, opts: SplitOptions = {}): SeedSplit {
  const distinct = [...new Set(Array.from(seeds))].sort((a, b) => a - b)
  const known = new Set(distinct)
  for (const s of [...(opts.test ?? []), ...(opts.validation ?? [])]) {
    if (!known.has(s)) throw new Error(`seed ${s} is not in the data (seeds: ${distinct.join(', ')})`)
  }
  let test = opts.test
  let validation = opts.validation
  const free = (): number[] => distinct.filter((s) => !(test ?? []).includes(s) && !(validation ?? []).includes(s))
  if (test === undefined) {
    const k = Math.max(1, Math.round(distinct.length * 0.2))
    test = free().slice(-k)
  }
  if (validation === undefined) {
    const k = Math.max(1, Math.round(distinct.length * 0.15))
    validation = free().slice(-k)
  }
  const overlap = test.filter((s) => validation?.includes(s))
  if (overlap.length > 0) throw new Error(`seeds ${overlap.join(', ')} are both test and validation`)
  const train = free()
  if (train.length === 0 || test.length === 0 || validation.length === 0) {
    throw new Error(`${distinct.length} seed(s) (${distinct.join(', ')}) cannot give train, validation and test seeds: ` +
      'generate at least 3 runs with different seeds')
  }
  return { train, validation: [...validation].sort((a, b) => a - b), test: [...test].sort((a, b) => a - b) }
}

/** Row indices, ascending, whose seed is in `which`. */
export function rowsOf (seeds: ArrayLike<number>, which: readonly number[]): Uint32Array {
  const set = new Set(which)
  let n = 0
  for (let i = 0; i < seeds.length; i++) if (set.has(seeds[i])) n++
  const out = new Uint32Array(n)
  let k = 0
  for (let i = 0; i < seeds.length; i++) if (set.has(seeds[i])) out[k++] = i
  return out
}
