// The whole training run as one function of the data and the options, so the CLI (train.ts) and
// the tests run the very same steps: split by seed, fit the GBDT (early stopping on the validation
// seeds) and the logistic baseline on the training seeds, score both and the rules on the test
// seeds, export both to ONNX and describe it all in the model card. No clock, no files, no
// randomness but the seed: the same data and options give the same bytes.

import { createHash } from 'node:crypto'
import { ruleRisk } from '../../../edge/src/scoring/rules.js'
import { buildCards, type ModelCard } from './card.js'
import type { ShelfRiskData } from './dataset.js'
import { rowMajor, selectRows, type Examples } from './examples.js'
import { predictRisk, trainGbdt, type GbdtModel, type GbdtParams, type Round } from './gbdt.js'
import { logisticRisk, trainLogistic, type LogisticModel, type LogisticParams } from './logistic.js'
import { gbdtToOnnx, logisticToOnnx, type ExportMeta } from './onnx-export.js'
import { rowsOf, splitSeeds, type SeedSplit, type SplitOptions } from './split.js'

export const PIPELINE_VERSION = '1.0.0'
export const MODEL_ID = 'shelf-risk'
export const GBDT_FILE = 'shelf-risk.onnx'
export const LOGISTIC_FILE = 'shelf-risk-logistic.onnx'

export interface PipelineOptions {
  gbdt: GbdtParams
  logistic: LogisticParams
  split?: SplitOptions
  onRound?: (r: Round) => void
}

export interface PipelineResult {
  split: SeedSplit
  gbdt: GbdtModel
  logistic: LogisticModel
  gbdtOnnx: Uint8Array
  logisticOnnx: Uint8Array
  /** The GBDT's card (model-card.json) and the logistic baseline's. */
  card: ModelCard
  logisticCard: ModelCard
  /** Wall-clock seconds per step, for the console only (never in a file: bytes must repeat). */
  timings: Record<'gbdt' | 'logistic' | 'evaluate', number>
}

/** Scores of the three contenders on the same rows. */
export interface Scores { gbdt: Float64Array, logistic: Float64Array, rules: Float64Array }

export function runPipeline (data: ShelfRiskData, opts: PipelineOptions, now: () => number = () => performance.now()): PipelineResult {
  const split = splitSeeds(data.seeds, opts.split)
  const trainIdx = rowsOf(data.seeds, split.train)
  const testIdx = rowsOf(data.seeds, split.test)
  const train = selectRows(data, trainIdx)
  const validation = selectRows(data, rowsOf(data.seeds, split.validation))
  const test = selectRows(data, testIdx)

  let t0 = now()
  const gbdt = trainGbdt(train, opts.gbdt, { validation, onRound: opts.onRound })
  const tGbdt = (now() - t0) / 1000
  t0 = now()
  const logistic = trainLogistic(train, opts.logistic)
  const tLogistic = (now() - t0) / 1000
  t0 = now()
  const scores = scoreTest(test, gbdt, logistic)
  const tEvaluate = (now() - t0) / 1000

  const version = `${PIPELINE_VERSION}+${runDigest(data.sha256, opts, split)}`
  const meta = (modelId: string, what: string): ExportMeta => ({
    modelId,
    version,
    pipelineVersion: PIPELINE_VERSION,
    dataSha256: data.sha256,
    seed: opts.gbdt.seed,
    docString: `${what}. Probability that the shelf is really empty within the horizon; ` +
      `input float32 [N, features] in the order of metadata "features". See MODEL_CARD.md.`
  })
  const gbdtOnnx = gbdtToOnnx(gbdt, meta(MODEL_ID, 'Shelf risk, gradient-boosted trees'))
  const logisticOnnx = logisticToOnnx(logistic, meta(`${MODEL_ID}-logistic`, 'Shelf risk, logistic-regression baseline'))

  const cards = buildCards({
    modelId: MODEL_ID,
    version,
    pipelineVersion: PIPELINE_VERSION,
    data,
    split,
    trainIdx,
    testIdx,
    train,
    test,
    scores,
    gbdt,
    logistic,
    options: opts,
    files: { gbdt: { name: GBDT_FILE, bytes: gbdtOnnx }, logistic: { name: LOGISTIC_FILE, bytes: logisticOnnx } }
  })
  return { split, gbdt, logistic, gbdtOnnx, logisticOnnx, card: cards.gbdt, logisticCard: cards.logistic, timings: { gbdt: tGbdt, logistic: tLogistic, evaluate: tEvaluate } }
}

export function scoreTest (test: Examples, gbdt: GbdtModel, logistic: LogisticModel): Scores {
  const F = test.columns.length
  const x = rowMajor(test)
  const out: Scores = { gbdt: new Float64Array(test.rows), logistic: new Float64Array(test.rows), rules: new Float64Array(test.rows) }
  for (let i = 0; i < test.rows; i++) {
    out.gbdt[i] = predictRisk(gbdt, x, i * F)
    out.logistic[i] = logisticRisk(logistic, x, i * F)
    out.rules[i] = ruleRisk(x, i * F)
  }
  return out
}

/** 12 hex digits naming this run: data, parameters, seed and split. */
function runDigest (dataSha256: string, opts: PipelineOptions, split: SeedSplit): string {
  const what = canonicalJson({ data: dataSha256, gbdt: opts.gbdt, logistic: opts.logistic, split })
  return createHash('sha256').update(what).digest('hex').slice(0, 12)
}

/** JSON with object keys sorted at every level: the same values give the same text. */
function canonicalJson (v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}
