// Loads a shelf-risk model: the .onnx file into one onnxruntime session, its card beside it, and
// the graph read back for explanations. Everything that can be wrong with a file is found here,
// before the model is used, and refused with a stable code: a missing file (MODEL_NOT_FOUND),
// bytes that are not a model (MODEL_INVALID), a model that does not take our features or give our
// output (MODEL_CONTRACT), a card that is missing or names other columns or another file
// (MODEL_CARD). The caller keeps its previous model when this throws.

import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { EdgeError, Errors } from '../../core/errors.js'
import { FEATURE_COUNT, FEATURES, MODEL_INPUT, MODEL_OUTPUT } from '../spec.js'
import { parseCard, type ModelCard } from './card.js'
import { sigmoid, type Explainer } from './explainer.js'
import { logisticExplainer } from './linear.js'
import { decodeModel, string, type Graph } from './onnx-read.js'
import { treeExplainer } from './tree.js'

export interface LoadedModel {
  /** sha256 of the .onnx bytes, hex: what identifies a model in the registry and in monitoring. */
  sha256: string
  version: string
  /** Where it was read from; null for an upload not yet stored. */
  path: string | null
  kind: 'tree' | 'logistic' | 'other'
  card: ModelCard
  /** Null when the graph cannot be explained; `explainNote` says why. */
  explainer: Explainer | null
  /**
   * 1 for each feature the model reads, read from its graph (all 1 when the graph could not be
   * read): a feature it never reads cannot take it off its training range.
   */
  used: Uint8Array
  explainNote: string | null
  /** Size of the .onnx file, bytes. */
  bytes: number
  /** The .onnx bytes loaded (kept to store a copy). */
  bytesOf (): Uint8Array
  /** Probabilities for `rows` vectors of x (row-major, FEATURE_COUNT each). */
  run (x: Float32Array, rows: number): Promise<Float32Array>
  /** The file on disk is no longer the one loaded (overwritten or removed): why, or null. */
  fileChanged (): string | null
  dispose (): Promise<void>
}

export interface ModelSource {
  /** The .onnx bytes and a name for errors (a path, or "upload"). */
  bytes: Uint8Array
  where: string
  /** The card's text, and where it came from. */
  card: { text: string, where: string } | null
  /** The file the bytes were read from, watched for changes. */
  path: string | null
}

/** The cards looked for beside `path`, first found wins: shelf-risk.card.json, then model-card.json. */
export function cardPathsFor (path: string): string[] {
  const stem = basename(path).replace(/\.onnx$/i, '')
  return [join(dirname(path), `${stem}.card.json`), join(dirname(path), 'model-card.json')]
}

export function readModelFile (path: string): ModelSource {
  if (!existsSync(path)) throw new EdgeError(Errors.MODEL_NOT_FOUND, `model file ${path} does not exist`, { path })
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new EdgeError(Errors.MODEL_NOT_FOUND, `model file ${path} cannot be read: ${(err as Error).message}`, { path })
  }
  const cardPath = cardPathsFor(path).find((p) => existsSync(p))
  return { bytes, where: path, card: cardPath ? { text: readFileSync(cardPath, 'utf8'), where: cardPath } : null, path }
}

/** Metadata keys a card may be embedded under in the .onnx itself (an upload without a card file). */
const CARD_KEYS = ['model_card', 'model-card', 'card']

export async function loadModel (src: ModelSource): Promise<LoadedModel> {
  const { bytes, where } = src
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  // A card given beside the file is checked first: a card for another file is the clearer answer
  // than whatever those bytes turn out to be.
  let card = src.card ? parseCard(src.card.text, src.card.where) : null
  if (card && card.sha256 !== null && card.sha256 !== sha256) {
    throw new EdgeError(Errors.MODEL_CARD, `model ${where} has sha256 ${sha256}, its card ${src.card!.where} says ${card.sha256}: the card belongs to another file`, { model: where, sha256, card: card.sha256 })
  }
  let graph: Graph
  let embedded: string | null = null
  try {
    const proto = decodeModel(bytes)
    if (!proto.graph || (proto.graph.node ?? []).length === 0) throw new Error('no graph')
    graph = proto.graph
    embedded = proto.metadataProps?.find((p) => CARD_KEYS.includes(p.key ?? ''))?.value ?? null
  } catch (err) {
    throw new EdgeError(Errors.MODEL_INVALID, `model ${where} is not an ONNX model (${(err as Error).message}); is the file truncated?`, { model: where })
  }
  // An embedded card cannot hold the hash of the file it is in: its sha256 is not checked.
  if (!card && embedded !== null) card = parseCard(embedded, `${where} (metadata)`)
  if (!card) throw new EdgeError(Errors.MODEL_CARD, `model ${where} has no model card (looked for ${src.path ? cardPathsFor(src.path).join(', ') : 'one with the upload'}, and in its metadata)`, { model: where })

  let session: ort.InferenceSession
  try {
    // One thread: a store box has 2-4 cores, and the journal and checkpointer threads need theirs
    // while a rescoring runs. Measured on 2 cores under load: 2,000 rows take ~5.7 ms on one
    // thread every time, 3-14 ms with the runtime's default pool.
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 })
  } catch (err) {
    throw new EdgeError(Errors.MODEL_INVALID, `model ${where} cannot be loaded by onnxruntime: ${firstLine(err)}`, { model: where })
  }
  try {
    checkContract(session, where)
    const { explainer, note, kind } = explainerFor(graph, card)
    // What the graph reads, even when its explanation is later found not to add up.
    const used = explainer?.used ?? new Uint8Array(FEATURE_COUNT).fill(1)
    const run = async (x: Float32Array, rows: number): Promise<Float32Array> => {
      const input = new ort.Tensor('float32', x.length === rows * FEATURE_COUNT ? x : x.subarray(0, rows * FEATURE_COUNT), [rows, FEATURE_COUNT])
      const out = await session.run({ [MODEL_INPUT]: input }, [MODEL_OUTPUT])
      return out[MODEL_OUTPUT].data as Float32Array
    }
    const checked = await selfCheck(run, explainer, card, where)
    const stat = src.path ? statSync(src.path) : null
    return {
      sha256,
      version: card.version,
      path: src.path,
      kind,
      card,
      explainer: checked.explainer,
      explainNote: checked.note ?? note,
      used,
      bytes: bytes.byteLength,
      bytesOf: () => bytes,
      run,
      fileChanged () {
        if (!src.path || !stat) return null
        try {
          const now = statSync(src.path)
          if (now.size !== stat.size || now.mtimeMs !== stat.mtimeMs) return `model file ${src.path} changed on disk after it was loaded; the loaded model (sha256 ${sha256.slice(0, 12)}) stays active until one is promoted`
          return null
        } catch {
          return `model file ${src.path} is gone from disk; the loaded model (sha256 ${sha256.slice(0, 12)}) stays active`
        }
      },
      dispose: () => session.release()
    }
  } catch (err) {
    await session.release()
    throw err
  }
}

function checkContract (session: ort.InferenceSession, where: string): void {
  const refuse = (why: string): never => { throw new EdgeError(Errors.MODEL_CONTRACT, `model ${where}: ${why}`, { model: where }) }
  if (session.inputNames.length !== 1 || session.inputNames[0] !== MODEL_INPUT) refuse(`inputs are [${session.inputNames.join(', ')}], expected one named "${MODEL_INPUT}"`)
  const input = session.inputMetadata[0]
  if (!input.isTensor || input.type !== 'float32') refuse(`input "${MODEL_INPUT}" is ${input.isTensor ? input.type : 'not a tensor'}, expected float32`)
  const shape = (input as { shape: ReadonlyArray<number | string> }).shape
  if (shape.length !== 2 || shape[1] !== FEATURE_COUNT || typeof shape[0] === 'number') {
    refuse(`input "${MODEL_INPUT}" has shape [${shape.join(', ')}], expected [N, ${FEATURE_COUNT}] with N dynamic`)
  }
  const at = session.outputNames.indexOf(MODEL_OUTPUT)
  if (at < 0) refuse(`outputs are [${session.outputNames.join(', ')}], expected one named "${MODEL_OUTPUT}"`)
  const output = session.outputMetadata[at]
  if (!output.isTensor || output.type !== 'float32') refuse(`output "${MODEL_OUTPUT}" is ${output.isTensor ? output.type : 'not a tensor'}, expected float32`)
  const oshape = (output as { shape: ReadonlyArray<number | string> }).shape
  if (oshape.length !== 2 || oshape[1] !== 1) refuse(`output "${MODEL_OUTPUT}" has shape [${oshape.join(', ')}], expected [N, 1]`)
}

function explainerFor (graph: Graph, card: ModelCard): { explainer: Explainer | null, note: string | null, kind: LoadedModel['kind'] } {
  const tree = (graph.node ?? []).find((n) => n.opType === 'TreeEnsembleRegressor')
  if (tree) {
    const e = treeExplainer(tree)
    const transform = string(tree, 'post_transform') ?? 'NONE'
    if (transform !== 'NONE' && transform !== 'LOGISTIC') return { explainer: null, note: `post_transform ${transform} cannot be explained`, kind: 'tree' }
    return typeof e === 'string' ? { explainer: null, note: e, kind: 'tree' } : { explainer: e, note: null, kind: 'tree' }
  }
  const e = logisticExplainer(graph, MODEL_INPUT, card.stats.map((s) => s.mean))
  if (typeof e !== 'string') return { explainer: e, note: null, kind: 'logistic' }
  return { explainer: null, note: `neither a tree ensemble nor a logistic model (${e})`, kind: 'other' }
}

/**
 * Runs the model on probe vectors spread over the training ranges: it must answer probabilities,
 * and the explanation must add up to what the runtime answered (sigmoid of bias + credits), or
 * the model is used without explanations rather than with wrong ones.
 */
async function selfCheck (run: LoadedModel['run'], explainer: Explainer | null, card: ModelCard, where: string): Promise<{ explainer: Explainer | null, note: string | null }> {
  const rows = 32
  const x = probes(card, rows)
  let p: Float32Array
  try {
    p = await run(x, rows)
  } catch (err) {
    throw new EdgeError(Errors.MODEL_INVALID, `model ${where} fails to run: ${firstLine(err)}`, { model: where })
  }
  if (p.length !== rows) throw new EdgeError(Errors.MODEL_CONTRACT, `model ${where} answered ${p.length} values for ${rows} rows`, { model: where })
  for (const v of p) {
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new EdgeError(Errors.MODEL_CONTRACT, `model ${where} answered ${v}, not a probability in [0, 1]`, { model: where })
  }
  if (!explainer) return { explainer: null, note: null }
  const credit = new Float64Array(FEATURE_COUNT)
  let worst = 0
  for (let r = 0; r < rows; r++) worst = Math.max(worst, Math.abs(sigmoid(explainer.explain(x, r * FEATURE_COUNT, credit)) - p[r]))
  // float32 sums in the runtime against float64 here: agreement to 1e-4 on a probability
  if (worst > 1e-4) return { explainer: null, note: `the graph read back does not reproduce the runtime's scores (off by up to ${worst.toFixed(5)}), so scores are not explained` }
  return { explainer, note: null }
}

/** `rows` vectors from the card's training ranges (the spec's where the card has none), seeded. */
function probes (card: ModelCard, rows: number): Float32Array {
  const x = new Float32Array(rows * FEATURE_COUNT)
  let seed = 0x9e3779b9
  const rand = (): number => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5
    return (seed >>> 0) / 0x100000000
  }
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < FEATURE_COUNT; j++) {
      const s = card.stats[j]
      const lo = s.min ?? FEATURES[j].min
      const hi = s.max ?? Math.min(FEATURES[j].max, lo + 100)
      // Row 0 the minimums, row 1 the maximums, row 2 the means, the rest spread between.
      const v = r === 0 ? lo : r === 1 ? hi : r === 2 ? (s.mean ?? (lo + hi) / 2) : s.edges && r % 2 === 0 ? s.edges[Math.floor(rand() * s.edges.length)] : lo + rand() * (hi - lo)
      x[r * FEATURE_COUNT + j] = v
    }
  }
  return x
}

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split('\n')[0].slice(0, 300)
