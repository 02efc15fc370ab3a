// The model cards as data: model-card.json beside shelf-risk.onnx, and shelf-risk-logistic.card.json
// beside the baseline (the server looks for "<stem>.card.json", then "model-card.json"). What the
// model is, the features in order with what training saw of each (range, mean, decile bins and
// shares: the server flags inputs outside the range and computes PSI against the shares), how it
// scores on held-out seeds next to the other two, and what it was trained on. Built from the
// pipeline's results only, no clock: the same training gives the same cards. card-markdown.ts
// renders the GBDT card for people.

import { createHash } from 'node:crypto'
import { RULE_ID, RULE_VERSION } from '../../../edge/src/scoring/rules.js'
import { FEATURE_COUNT, FEATURE_INDEX, FEATURES, HORIZON_H, MODEL_INPUT, MODEL_OUTPUT } from '../../../edge/src/scoring/spec.js'
import type { DataFile, ShelfRiskData } from './dataset.js'
import { BIN_RULE, trainingDistribution } from './drift.js'
import type { Examples } from './examples.js'
import { gainByFeature, type GbdtModel, type GbdtParams } from './gbdt.js'
import type { LogisticModel, LogisticParams } from './logistic.js'
import { calibration, metrics, metricsByGroup, type CalibrationBin, type Metrics } from './metrics.js'
import { IR_VERSION, ML_OPSET, OPSET, PRODUCER_NAME } from './onnx-build.js'
import { MODEL_FORMAT_VERSION } from './onnx-export.js'
import type { SeedSplit } from './split.js'

export const CARD_FORMAT_VERSION = 1
export const DRIFT_BINS = 10
export const CONTENDERS = ['gbdt', 'logistic', 'rules'] as const
export type Contender = typeof CONTENDERS[number]
type PerContender<T> = Record<Contender, T>

export interface FeatureCard {
  index: number
  name: string
  doc: string
  /** The spec's range: values are clamped into it before scoring, in training as on the server. */
  clamp: { min: number, max: number }
  /** Smallest, largest and mean value over the training rows. */
  min: number
  max: number
  mean: number
  /** Ascending inner decile edges; bin k holds (edges[k-1], edges[k]] (see drift.binRule). */
  edges: number[]
  /** Share of training rows per bin, edges.length + 1 of them. */
  shares: number[]
  /** This model's reliance on the feature, shares summing to 1 (see importanceIs). */
  importance: number
}

const SHELF_RECORD_GROUPS = ['record shows the shelf empty', 'record shows stock on the shelf']

export interface ModelCard {
  cardFormatVersion: number
  id: string
  version: string
  kind: 'gbdt' | 'logistic'
  file: string
  sha256: string
  bytes: number
  model: {
    input: { name: string, type: 'float32', shape: ['N', number] }
    output: { name: string, type: 'float32', shape: ['N', 1], meaning: string }
    horizonH: number
    graph: string
    onnx: { irVersion: number, opset: number, mlOpset: number | null, modelVersion: number, producer: string }
    /** GBDT: trees and base margin; logistic: Newton iterations. */
    detail: Record<string, number | boolean>
  }
  features: FeatureCard[]
  importanceIs: string
  /** On the test seeds' rows: this model and the other two contenders. */
  metrics: PerContender<Metrics>
  evaluation: {
    on: string
    seeds: number[]
    calibration: PerContender<CalibrationBin[]>
    perCategory: Array<GroupMetrics & { category: string }>
    perScenario: Array<GroupMetrics & { scenario: string }>
    perPolicy: Array<GroupMetrics & { policy: string }>
    /**
     * Split by what the record said of the shelf when scored. Most positives are shelves already
     * empty in the record, which any scorer ranks high; the rows whose record still shows stock
     * are where a model earns its keep: will this shelf run out in the next hours?
     */
    perShelfRecord: Array<GroupMetrics & { shelfRecord: string }>
  }
  drift: { binRule: string, bins: number, rows: number }
  /** The other models of this run, by file and sha256. */
  related: Array<{ id: string, kind: string, file: string, sha256: string | null, version: string }>
  training: {
    pipelineVersion: string
    dataSha256: string
    files: DataFile[]
    rows: number
    positives: number
    positiveRate: number
    seeds: SeedSplit
    splits: Record<keyof SeedSplit, { rows: number, positiveRate: number }>
    scenarios: string[]
    policies: string[]
    stores: string[]
    categories: string[]
    /** Feature values outside their spec range in the data, clamped as the server clamps. */
    clampedValues: number
  }
  hyperParameters: { seed: number, gbdt: GbdtParams, logistic: LogisticParams }
  fit: { roundsRun: number, treesKept: number, bestValidationLogLoss: number | null, logisticIterations: number, logisticConverged: boolean }
}

interface GroupMetrics { rows: number, positives: number, auc: PerContender<number | null>, brier: PerContender<number> }

export interface CardInput {
  modelId: string
  version: string
  pipelineVersion: string
  data: ShelfRiskData
  split: SeedSplit
  trainIdx: Uint32Array
  testIdx: Uint32Array
  train: Examples
  test: Examples
  scores: PerContender<Float64Array>
  gbdt: GbdtModel
  logistic: LogisticModel
  options: { gbdt: GbdtParams, logistic: LogisticParams }
  files: Record<'gbdt' | 'logistic', { name: string, bytes: Uint8Array }>
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const rate = (pos: number, n: number): number => (n > 0 ? pos / n : 0)
const sum = (y: Uint8Array): number => y.reduce((s, v) => s + v, 0)
const shares = (w: ArrayLike<number>): number[] => {
  const total = Array.from(w).reduce((s, x) => s + x, 0)
  return Array.from(w, (x) => (total > 0 ? x / total : 0))
}

/** The GBDT's card and the logistic baseline's, sharing everything but what is the model's own. */
export function buildCards (c: CardInput): { gbdt: ModelCard, logistic: ModelCard } {
  const y = c.test.labels
  const per = <T>(f: (s: Float64Array) => T): PerContender<T> => ({ gbdt: f(c.scores.gbdt), logistic: f(c.scores.logistic), rules: f(c.scores.rules) })
  const byGroup = (codes: ArrayLike<number>, names: readonly string[]): Array<GroupMetrics & { group: string }> => {
    const testCodes = Array.from(c.testIdx, (i) => codes[i])
    const m = per((s) => metricsByGroup(s, y, testCodes, names))
    return m.gbdt.map((g, k) => ({
      group: g.group,
      rows: g.rows,
      positives: g.positives,
      auc: { gbdt: g.auc, logistic: m.logistic[k].auc, rules: m.rules[k].auc },
      brier: { gbdt: g.brier, logistic: m.logistic[k].brier, rules: m.rules[k].brier }
    }))
  }

  const dist = trainingDistribution(c.train.columns, DRIFT_BINS)
  const featureCards = (importance: number[]): FeatureCard[] => FEATURES.map((f, index) => ({
    index,
    name: f.name,
    doc: f.doc,
    clamp: { min: f.min, max: f.max },
    min: dist[index].min,
    max: dist[index].max,
    mean: c.logistic.mean[index],
    edges: dist[index].edges,
    shares: dist[index].shares,
    importance: importance[index]
  }))

  const positives = sum(c.data.labels)
  const validationRows = c.data.rows - c.trainIdx.length - c.testIdx.length
  const validationPositives = positives - sum(c.train.labels) - sum(y)
  const losses = c.gbdt.history.map((r) => r.validLogLoss).filter((l) => !Number.isNaN(l))
  const rulesRef = { id: RULE_ID, kind: 'rules', file: 'edge/src/scoring/rules.ts', sha256: null, version: RULE_VERSION }
  const io = {
    input: { name: MODEL_INPUT, type: 'float32' as const, shape: ['N', FEATURE_COUNT] as ['N', number] },
    output: { name: MODEL_OUTPUT, type: 'float32' as const, shape: ['N', 1] as ['N', 1], meaning: `probability that the shelf is really empty at some open minute within ${HORIZON_H} h` },
    horizonH: HORIZON_H
  }
  const onnx = (ml: boolean): ModelCard['model']['onnx'] =>
    ({ irVersion: IR_VERSION, opset: OPSET, mlOpset: ml ? ML_OPSET : null, modelVersion: MODEL_FORMAT_VERSION, producer: PRODUCER_NAME })

  const shared = {
    cardFormatVersion: CARD_FORMAT_VERSION,
    version: c.version,
    metrics: per((s) => metrics(s, y)),
    evaluation: {
      on: 'rows of the test seeds, which neither training nor early stopping saw',
      seeds: c.split.test,
      calibration: per((s) => calibration(s, y, 10)),
      perCategory: byGroup(c.data.category, c.data.categories).map(({ group, ...m }) => ({ category: group, ...m })),
      perScenario: byGroup(c.data.scenario, c.data.scenarios).map(({ group, ...m }) => ({ scenario: group, ...m })),
      perPolicy: byGroup(c.data.policy, c.data.policies).map(({ group, ...m }) => ({ policy: group, ...m })),
      perShelfRecord: byGroup(Uint8Array.from(c.data.columns[FEATURE_INDEX.shelf_qty], (v) => v > 0 ? 1 : 0), SHELF_RECORD_GROUPS)
        .map(({ group, ...m }) => ({ shelfRecord: group, ...m }))
    },
    drift: { binRule: BIN_RULE, bins: DRIFT_BINS, rows: c.train.rows },
    training: {
      pipelineVersion: c.pipelineVersion,
      dataSha256: c.data.sha256,
      files: c.data.files,
      rows: c.data.rows,
      positives,
      positiveRate: rate(positives, c.data.rows),
      seeds: c.split,
      splits: {
        train: { rows: c.train.rows, positiveRate: rate(sum(c.train.labels), c.train.rows) },
        validation: { rows: validationRows, positiveRate: rate(validationPositives, validationRows) },
        test: { rows: c.test.rows, positiveRate: rate(sum(y), c.test.rows) }
      },
      scenarios: c.data.scenarios,
      policies: c.data.policies,
      stores: c.data.stores,
      categories: c.data.categories,
      clampedValues: c.data.clamped
    },
    hyperParameters: { seed: c.options.gbdt.seed, gbdt: c.options.gbdt, logistic: c.options.logistic },
    fit: {
      roundsRun: c.gbdt.history.length,
      treesKept: c.gbdt.trees.length,
      bestValidationLogLoss: losses.length > 0 ? Math.min(...losses) : null,
      logisticIterations: c.logistic.iterations,
      logisticConverged: c.logistic.converged
    }
  }

  const gbdtFile = { file: c.files.gbdt.name, sha256: sha256(c.files.gbdt.bytes), bytes: c.files.gbdt.bytes.length }
  const logisticFile = { file: c.files.logistic.name, sha256: sha256(c.files.logistic.bytes), bytes: c.files.logistic.bytes.length }
  const gbdtId = c.modelId
  const logisticId = `${c.modelId}-logistic`
  return {
    gbdt: {
      ...shared,
      id: gbdtId,
      kind: 'gbdt',
      ...gbdtFile,
      model: {
        ...io,
        graph: 'TreeEnsembleRegressor (ai.onnx.ml: margin = base_values + sum of leaf weights) -> Sigmoid',
        onnx: onnx(true),
        detail: { trees: c.gbdt.trees.length, baseScore: c.gbdt.baseScore }
      },
      features: featureCards(shares(gainByFeature(c.gbdt))),
      importanceIs: 'share of the split gain (loss reduction) of all trees',
      related: [{ id: logisticId, kind: 'logistic', file: logisticFile.file, sha256: logisticFile.sha256, version: c.version }, rulesRef]
    },
    logistic: {
      ...shared,
      id: logisticId,
      kind: 'logistic',
      ...logisticFile,
      model: {
        ...io,
        graph: 'MatMul (weights [F, 1]) -> Add (bias) -> Sigmoid; standardization folded into the weights',
        onnx: onnx(false),
        detail: { iterations: c.logistic.iterations, converged: c.logistic.converged }
      },
      features: featureCards(shares(Array.from(c.logistic.coef, Math.abs))),
      importanceIs: 'share of |coefficient| on standardized features',
      related: [{ id: gbdtId, kind: 'gbdt', file: gbdtFile.file, sha256: gbdtFile.sha256, version: c.version }, rulesRef]
    }
  }
}
