// The model card beside each .onnx file (models/shelf-risk writes it): which model this is, which
// features it was trained on in which order, and what its training inputs looked like. The server
// reads it to refuse a model trained on other columns, to notice inputs outside what the model has
// seen (rules score those), and as the reference distribution of feature drift (PSI).

import { EdgeError, Errors } from '../../core/errors.js'
import { FEATURE_COUNT, FEATURE_NAMES } from '../spec.js'

export interface FeatureStats {
  /** Smallest and largest training value, in the feature's unit; null when the card has none. */
  min: number | null
  max: number | null
  /** Training mean, the reference of a logistic model's contributions; null when unknown. */
  mean: number | null
  /** Ascending inner bin edges (bin k holds (edges[k-1], edges[k]]) and each bin's training share. */
  edges: number[] | null
  shares: number[] | null
}

export interface ModelCard {
  version: string
  /** sha256 of the .onnx file, hex; null when the card does not say. */
  sha256: string | null
  features: string[]
  stats: FeatureStats[]
  /** Held-out metrics as the card reports them, shown as they are. */
  metrics: unknown
  /** The card as read, for the API. */
  raw: Record<string, unknown>
}

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x)
const num = (x: unknown): number | null => typeof x === 'number' && Number.isFinite(x) ? x : null
const nums = (x: unknown): number[] | null => Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v)) ? x as number[] : null

/** The first of `keys` that `o` has, also looking one level down (`quantiles.edges`). */
function pick (o: Obj | undefined, ...keys: string[]): unknown {
  if (!o) return undefined
  for (const k of keys) {
    if (k.includes('.')) {
      const [a, b] = k.split('.')
      const inner = o[a]
      if (isObj(inner) && inner[b] !== undefined) return inner[b]
    } else if (o[k] !== undefined) return o[k]
  }
  return undefined
}

/** Parses and checks a card; `where` names it in errors. Throws EDGE_ERR_MODEL_CARD. */
export function parseCard (text: string, where: string): ModelCard {
  const bad = (why: string): EdgeError => new EdgeError(Errors.MODEL_CARD, `model card ${where}: ${why}`, { card: where })
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`)
  }
  if (!isObj(raw)) throw bad('must be a JSON object')
  // Card format 1 of models/shelf-risk keeps version and sha256 at the top; an earlier draft kept
  // them under "model". Both are read.
  const head = isObj(raw.model) && raw.version === undefined ? raw.model : raw
  const version = head.version
  if ((typeof version !== 'string' || version === '') && typeof version !== 'number') throw bad('"version" is missing')
  const sha = head.sha256
  if (sha !== undefined && sha !== null && (typeof sha !== 'string' || !/^[0-9a-f]{64}$/i.test(sha))) throw bad('"sha256" is not 64 hex digits')

  const list = pick(raw, 'features', 'featureNames', 'feature_names')
  if (!Array.isArray(list)) throw bad('"features" (the feature names in order) is missing')
  const perFeature = list.map((f) => isObj(f) ? f : undefined)
  const names = list.map((f) => typeof f === 'string' ? f : isObj(f) && typeof f.name === 'string' ? f.name : null)
  if (names.some((n) => n === null)) throw bad('"features" must be names, or objects with a "name"')
  // The one contract that matters most: the columns the model was trained on are ours, in our order.
  if (names.length !== FEATURE_COUNT || names.some((n, i) => n !== FEATURE_NAMES[i])) {
    const first = names.findIndex((n, i) => n !== FEATURE_NAMES[i])
    throw bad(`features differ from the server's (scoring/spec.ts): ${names.length} named, ${FEATURE_COUNT} expected` +
      (first >= 0 ? `; position ${first} is ${JSON.stringify(names[first] ?? null)}, expected ${JSON.stringify(FEATURE_NAMES[first] ?? null)}` : ''))
  }
  // Training statistics: in each feature's entry, or (earlier draft) in a "distribution" list whose
  // min and max are the training range where the feature entries held the spec's; the list wins.
  const dist = isObj(raw.distribution) && Array.isArray(raw.distribution.features) ? raw.distribution.features as unknown[] : null
  const stats = (names as string[]).map((name, i): FeatureStats => {
    const own = perFeature[i]
    const fromList = dist?.find((d) => isObj(d) && d.name === name)
    const o = { ...(own ?? {}), ...(isObj(fromList) ? fromList : {}) }
    let edges = nums(pick(o, 'edges', 'quantileEdges', 'quantile_edges', 'quantiles.edges', 'bins.edges', 'psi.edges'))
    const shares = nums(pick(o, 'shares', 'quantileShares', 'quantile_shares', 'quantiles.shares', 'bins.shares', 'psi.shares'))
    const s: FeatureStats = { min: num(pick(o, 'min', 'trainMin')), max: num(pick(o, 'max', 'trainMax')), mean: num(pick(o, 'mean', 'trainMean')), edges, shares }
    if (s.min !== null && s.max !== null && s.min > s.max) throw bad(`feature ${name}: min ${s.min} is above max ${s.max}`)
    if (edges && shares && shares.length !== edges.length + 1 && shares.length !== edges.length - 1) {
      throw bad(`feature ${name}: ${edges.length} edges and ${shares.length} shares do not make bins`)
    }
    // Edges with the outer bounds (11 for 10 bins) become the inner cuts the bins are found by.
    if (edges && shares && shares.length === edges.length - 1) s.edges = edges = edges.slice(1, -1)
    s.mean ??= meanOfBins(s)
    return s
  })
  const metrics = raw.metrics ?? (isObj(raw.evaluation) ? raw.evaluation.metrics : undefined) ?? null
  return { version: String(version), sha256: typeof sha === 'string' ? sha.toLowerCase() : null, features: names as string[], stats, metrics, raw }
}

/** A card without means: the mean of the bins' midpoints weighted by their shares (null without bins). */
function meanOfBins (s: FeatureStats): number | null {
  if (!s.edges || !s.shares || s.min === null || s.max === null || s.shares.length !== s.edges.length + 1) return null
  const bounds = [s.min, ...s.edges, s.max]
  let m = 0
  for (let k = 0; k < s.shares.length; k++) m += s.shares[k] * (bounds[k] + bounds[k + 1]) / 2
  return m
}
