// One scoring pass over a list of SKU-locations: features from the book, the active model (and a
// candidate in shadow) through onnxruntime in chunks of batchRows vectors, the rules for every
// vector, then per vector the scorer that acts, its explanation, and the new current score. The
// event loop gets a turn after every chunk: a full pass of 50,000 never holds it for long.

import type { Log } from '../../core/log.js'
import type { LoadedModel } from '../model/load.js'
import { FEATURE_COUNT } from '../spec.js'
import type { CurrentScores } from './current.js'
import { outOfRange, outOfRangeDetail, type RangeLimits, type RulesReason } from './governance.js'
import { RULES_VERSION, ruleRisk } from './rules-scorer.js'

export interface FeatureKey { sku: string, location: string }

/** What scoring reads of the feature book (scoring/features/book.ts). */
export interface FeatureSource {
  keys (): ReadonlyArray<FeatureKey>
  vector (sku: string, location: string, nowMs: number, out: Float32Array, offset?: number): number
}

export interface PassModels {
  active: { model: LoadedModel, limits: RangeLimits } | null
  /** Why there is no active model (set when active is null). */
  missing: { reason: RulesReason, detail: string }
  candidate: LoadedModel | null
  /** Set while the active model's calibration is off bounds: rules act. */
  drift: string | null
}

export interface PassOptions {
  keys: ReadonlyArray<FeatureKey>
  source: FeatureSource
  models: PassModels
  scores: CurrentScores
  nowMs: number
  tier: 'fast' | 'slow'
  batchRows: number
  log: Log
  /** Sees every vector scored (drift counting). */
  onVector?: (x: Float32Array, off: number) => void
}

export interface PassResult {
  scored: number
  model: number
  rules: number
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export async function scorePass (o: PassOptions): Promise<PassResult> {
  const { keys, models, tier, nowMs } = o
  const { active, candidate } = models
  const rows = Math.max(1, Math.min(o.batchRows, keys.length))
  const x = new Float32Array(rows * FEATURE_COUNT)
  const nonFinite = new Uint8Array(rows)
  const result: PassResult = { scored: 0, model: 0, rules: 0 }
  let runFailure: string | null = null

  for (let start = 0; start < keys.length; start += rows) {
    const n = Math.min(rows, keys.length - start)
    for (let i = 0; i < n; i++) {
      const k = keys[start + i]
      nonFinite[i] = Math.min(255, o.source.vector(k.sku, k.location, nowMs, x, i * FEATURE_COUNT))
    }
    let p: Float32Array | null = null
    if (active) {
      try {
        p = await active.model.run(x, n)
      } catch (err) {
        runFailure = (err as Error).message
      }
    }
    let pc: Float32Array | null = null
    if (candidate) {
      try {
        pc = await candidate.run(x, n)
      } catch (err) {
        o.log.warn({ err, version: candidate.version }, 'candidate model failed to run; shadow scores skipped')
      }
    }
    for (let i = 0; i < n; i++) {
      const off = i * FEATURE_COUNT
      const k = keys[start + i]
      o.onVector?.(x, off)
      const rules = ruleRisk(x, off)
      let reason: RulesReason | null = null
      let detail: string | null = null
      if (!active) {
        reason = models.missing.reason
        detail = models.missing.detail
      } else if (p === null) {
        reason = 'model_run_failed'
        detail = runFailure
      } else if (nonFinite[i] > 0) {
        reason = 'non_finite_input'
        detail = `${nonFinite[i]} feature(s) were NaN or infinite before clamping`
      } else {
        const j = outOfRange(active.limits, x, off)
        if (j >= 0) {
          reason = 'out_of_training_range'
          detail = outOfRangeDetail(active.limits, active.model.card, x, off, j)
        } else if (models.drift !== null) {
          reason = 'calibration_drift'
          detail = models.drift
        }
      }
      const s = o.scores.slot(k.sku, k.location)
      s.score = reason === null ? p![i] : rules
      s.scorer = reason === null ? 'model' : 'rules'
      s.version = reason === null ? active!.model.version : RULES_VERSION
      s.modelVersion = active?.model.version ?? null
      s.modelSha256 = active?.model.sha256 ?? null
      s.reason = reason
      s.reasonDetail = detail
      s.top = null
      s.explainer = reason === null ? active!.model.explainer : null
      s.modelScore = p === null ? null : p[i]
      s.rulesScore = rules
      s.candidateScore = pc === null ? null : pc[i]
      s.candidateVersion = pc === null ? null : candidate!.version
      s.candidateSha256 = pc === null ? null : candidate!.sha256
      s.features.set(x.subarray(off, off + FEATURE_COUNT))
      s.scoredAtMs = nowMs
      s.tier = tier
      if (reason === null) result.model++
      else result.rules++
    }
    result.scored += n
    if (start + rows < keys.length) await yieldTurn()
  }
  if (runFailure !== null) o.log.error({ err: { message: runFailure }, version: active?.model.version, tier }, 'model failed to run; rules scored the pass')
  return result
}
