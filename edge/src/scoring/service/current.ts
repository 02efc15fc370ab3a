// The current shelf-risk score of every SKU-location, in memory: the API reads it from here, the
// monitor pairs confirmations with it, and what changed since the last flush is written to
// risk_scores after each full rescoring (through the journal thread, no fsync on the event loop).

import { topContributions, type Contribution, type Explainer } from '../model/explainer.js'
import { FEATURE_COUNT } from '../spec.js'
import type { RulesReason } from './governance.js'
import { rulesTop } from './rules-scorer.js'

export interface RiskScore {
  sku: string
  location: string
  /** Probability 0-1 that the shelf is empty within HORIZON_H hours: the one that acts. */
  score: number
  scorer: 'model' | 'rules'
  /** The acting scorer's version: the model card's, or rules@N. */
  version: string
  /** The active model's version (also when rules acted); null without a model. */
  modelVersion: string | null
  modelSha256: string | null
  reason: RulesReason | null
  reasonDetail: string | null
  /**
   * The three features that moved the acting score most; null until asked for (topOf): a pass
   * scores 50,000 vectors, the API and the database read a few hundred of them.
   */
  top: Contribution[] | null
  /** What explains a model score (the model's graph read back); null for rules or an unexplained model. */
  explainer: Explainer | null
  /** The active model's own probability (kept when rules acted, for monitoring); null without one. */
  modelScore: number | null
  rulesScore: number
  /** A candidate's probability in shadow; it never acts. */
  candidateScore: number | null
  candidateVersion: string | null
  candidateSha256: string | null
  /** The vector scored (clamped), FEATURE_COUNT values. */
  features: Float32Array
  scoredAtMs: number
  tier: 'fast' | 'slow'
}

const keyOf = (sku: string, location: string): string => `${sku}\u0000${location}`

/** The score's top three features, worked out on first use from the vector scored. */
export function topOf (s: RiskScore): Contribution[] {
  if (s.top !== null) return s.top
  if (s.scorer === 'rules') s.top = rulesTop(s.features, 0)
  else if (s.explainer !== null) {
    const credit = new Float64Array(FEATURE_COUNT)
    s.explainer.explain(s.features, 0, credit)
    s.top = topContributions(s.features, 0, credit)
  } else s.top = []
  return s.top
}

function blank (sku: string, location: string): RiskScore {
  return {
    sku, location, score: 0, scorer: 'rules', version: '', modelVersion: null, modelSha256: null, reason: null, reasonDetail: null,
    top: null, explainer: null, modelScore: null, rulesScore: 0, candidateScore: null, candidateVersion: null, candidateSha256: null,
    features: new Float32Array(FEATURE_COUNT), scoredAtMs: 0, tier: 'slow'
  }
}

export class CurrentScores {
  private readonly byKey = new Map<string, RiskScore>()
  private readonly bySku = new Map<string, RiskScore[]>()
  /** Changed since the last flush. */
  private dirty = new Set<RiskScore>()
  private sorted: RiskScore[] | null = null

  get size (): number { return this.byKey.size }

  get (sku: string, location: string): RiskScore | undefined {
    return this.byKey.get(keyOf(sku, location))
  }

  forSku (sku: string): readonly RiskScore[] {
    return this.bySku.get(sku) ?? []
  }

  /**
   * The entry of a SKU-location to score into (created blank the first time), marked changed. Its
   * fields are overwritten in place: a pass allocates no score objects once every shelf has one.
   */
  slot (sku: string, location: string): RiskScore {
    const k = keyOf(sku, location)
    let s = this.byKey.get(k)
    if (!s) {
      s = blank(sku, location)
      this.byKey.set(k, s)
      const list = this.bySku.get(sku)
      if (list) list.push(s)
      else this.bySku.set(sku, [s])
    }
    this.dirty.add(s)
    this.sorted = null
    return s
  }

  /** The scores changed since the last call. */
  takeDirty (): RiskScore[] {
    const out = [...this.dirty]
    this.dirty = new Set()
    return out
  }

  /** Highest score first (ties by sku, location); cached until a score changes. */
  ranked (): readonly RiskScore[] {
    this.sorted ??= [...this.byKey.values()].sort((a, b) => b.score - a.score || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
    return this.sorted
  }

  all (): IterableIterator<RiskScore> { return this.byKey.values() }

  /** Counts by scorer and by rules reason. */
  tally (): { scorer: Record<string, number>, reason: Record<string, number> } {
    const scorer: Record<string, number> = { model: 0, rules: 0 }
    const reason: Record<string, number> = {}
    for (const s of this.byKey.values()) {
      scorer[s.scorer]++
      if (s.reason) reason[s.reason] = (reason[s.reason] ?? 0) + 1
    }
    return { scorer, reason }
  }
}

/** float32 little-endian bytes of a vector, as risk_scores.features keeps it. */
export function featureBlob (v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + FEATURE_COUNT * 4))
}

export function blobFeatures (b: Uint8Array | null): Float32Array {
  if (!b || b.byteLength !== FEATURE_COUNT * 4) return new Float32Array(FEATURE_COUNT)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}
