// The shapes the API answers with (http/routes/risk.ts, models.ts, items.ts), built from the
// service's state; JSON Schemas for them live with the routes.

import { FEATURE_NAMES } from '../spec.js'
import { topOf, type RiskScore } from './current.js'
import type { RegistryRow } from './registry.js'
import type { RiskService } from './service.js'
import type { Slot } from './slots.js'

const iso = (ms: number): string => new Date(ms).toISOString()

export interface RiskView {
  sku: string
  location: string
  category: string | null
  score: number
  scorer: 'model' | 'rules'
  version: string
  modelVersion: string | null
  reason: string | null
  reasonDetail: string | null
  why: Array<{ feature: string, value: number, contribution: number }>
  modelScore: number | null
  rulesScore: number
  candidate: { version: string, score: number } | null
  scoredAt: string
  tier: 'fast' | 'slow'
}

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4

export function riskView (s: RiskScore, category: string | null): RiskView {
  return {
    sku: s.sku,
    location: s.location,
    category,
    score: r4(s.score),
    scorer: s.scorer,
    version: s.version,
    modelVersion: s.modelVersion,
    reason: s.reason,
    reasonDetail: s.reasonDetail,
    why: topOf(s),
    modelScore: s.modelScore === null ? null : r4(s.modelScore),
    rulesScore: r4(s.rulesScore),
    candidate: s.candidateScore === null ? null : { version: s.candidateVersion!, score: r4(s.candidateScore) },
    scoredAt: iso(s.scoredAtMs),
    tier: s.tier
  }
}

/** The item page adds the vector scored, feature by feature. */
export function riskDetailView (s: RiskScore, category: string | null): RiskView & { features: Record<string, number> } {
  const features: Record<string, number> = {}
  FEATURE_NAMES.forEach((name, j) => { features[name] = r4(s.features[j]) })
  return { ...riskView(s, category), features }
}

export interface RiskQuery { limit: number, category?: string, location?: string, minScore?: number, scorer?: 'model' | 'rules' }

export function topRisk (svc: RiskService, q: RiskQuery): { scores: RiskView[], total: number } {
  const out: RiskView[] = []
  let total = 0
  for (const s of svc.scores.ranked()) {
    if (q.minScore !== undefined && s.score < q.minScore) break // ranked: the rest are lower
    if (q.location !== undefined && s.location !== q.location) continue
    if (q.scorer !== undefined && s.scorer !== q.scorer) continue
    const category = svc.categoryOf(s.sku)
    if (q.category !== undefined && category !== q.category) continue
    total++
    if (out.length < q.limit) out.push(riskView(s, category))
  }
  return { scores: out, total }
}

export function modelView (slot: Slot | null, fileChanged: string | null = null): Record<string, unknown> | null {
  if (!slot) return null
  const { model, row } = slot
  return {
    version: model.version,
    sha256: model.sha256,
    kind: model.kind,
    origin: row.origin,
    source: (row.metrics.source as string | undefined) ?? model.path,
    storedAt: row.path,
    bytes: model.bytes,
    loadedAt: row.loadedAt,
    activatedAt: row.activatedAt,
    explained: model.explainer !== null,
    explainNote: model.explainNote,
    cardMetrics: model.card.metrics,
    fileChanged
  }
}

export function registryView (r: RegistryRow): Record<string, unknown> {
  return { id: r.id, role: r.role, version: r.version, sha256: r.sha256, kind: r.kind, origin: r.origin, path: r.path, loadedAt: r.loadedAt, activatedAt: r.activatedAt, retiredAt: r.retiredAt, metrics: r.metrics }
}

export function modelsView (svc: RiskService): Record<string, unknown> {
  const g = svc.governance()
  const tally = svc.scores.tally()
  return {
    active: modelView(svc.slots.active, g.fileChanged),
    candidate: modelView(svc.slots.candidate),
    problem: svc.slots.problem,
    governance: { calibrationDrift: g.drift, calibrationBound: g.calibrationBound, rangeTolerance: g.rangeTolerance, fileChanged: g.fileChanged },
    scorers: tally.scorer,
    rulesReasons: tally.reason,
    lastPass: { slow: svc.lastSlow, fast: svc.lastFast },
    monitoring: svc.monitoring(),
    history: svc.registry.history(50).map(registryView),
    audit: svc.registry.audit({ action: 'model.', limit: 50 })
  }
}
