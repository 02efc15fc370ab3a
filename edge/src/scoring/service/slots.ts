// Which model acts (active) and which scores in shadow (candidate), and every change between them:
// loading at start, a candidate given by path or upload, promote, rollback, drop. A change is
// recorded in model_registry with its audit line; a model that fails to load changes nothing, so
// the model before stays active. Sessions replaced are released once no pass uses them.

import { EdgeError, Errors, isEdgeError } from '../../core/errors.js'
import type { Log } from '../../core/log.js'
import type { Metrics } from '../../core/metrics.js'
import { loadModel, readModelFile, type LoadedModel, type ModelSource } from '../model/load.js'
import type { RulesReason } from './governance.js'
import { ModelStore, readUpload } from './model-store.js'
import type { ModelOrigin, ModelRegistry, RegistryRow } from './registry.js'

export interface Slot { model: LoadedModel, row: RegistryRow }

export interface ModelProblem {
  reason: Extract<RulesReason, 'model_missing' | 'model_failed_to_load'>
  /** The refusal's stable code, when a file was refused. */
  code: string | null
  detail: string
  path: string | null
}

export type CandidateSource = { path: string } | { bytes: Uint8Array, card: string | null }

export class ModelSlots {
  active: Slot | null = null
  candidate: Slot | null = null
  /** Why no model is active (null while one is). */
  problem: ModelProblem | null = null
  /** Passes running; replaced sessions wait for them to end before they are released. */
  private busy = 0
  private retiring: LoadedModel[] = []

  constructor (private readonly o: { registry: ModelRegistry, store: ModelStore, log: Log, metrics: Metrics, configuredPath: string | null }) {}

  /** At start: the model an operator promoted, else the configured one, else the last one that was active. */
  async start (): Promise<void> {
    const { registry, configuredPath, log } = this.o
    const row = registry.role('active')
    if (configuredPath === null) {
      this.problem = { reason: 'model_missing', code: null, detail: 'riskModelPath is "none": rules score every shelf', path: null }
    } else if (row === null || row.origin === 'config') {
      try {
        const model = await this.load(readModelFile(configuredPath))
        if (row?.sha256 === model.sha256) this.active = { model, row }
        else this.active = { model, row: this.record(model, 'config', configuredPath, 'system', 'model.activate', row, { reason: 'the configured model changed' }) }
      } catch (err) {
        this.problem = problemOf(err, configuredPath)
      }
    }
    if (this.active === null && row !== null && configuredPath !== null) {
      // The configured file is gone or refused, or an operator promoted another: the model that
      // was active keeps acting, from the copy kept when it was activated.
      try {
        this.active = { model: await this.load(this.o.store.read(row.path, row.sha256)), row }
        if (this.problem) log.warn({ path: this.problem.path, code: this.problem.code, version: row.version }, 'configured model refused; the model active before stays active')
        this.problem = null
      } catch (err) {
        this.problem ??= problemOf(err, row.path)
      }
    }
    if (this.problem) log.error({ reason: this.problem.reason, code: this.problem.code, path: this.problem.path, detail: this.problem.detail }, 'no shelf-risk model active: rules score every shelf')
    else log.info({ version: this.active!.model.version, sha256: this.active!.model.sha256, kind: this.active!.model.kind, explained: this.active!.model.explainer !== null }, 'shelf-risk model active')

    const cand = registry.role('candidate')
    if (cand) {
      try {
        this.candidate = { model: await this.load(this.o.store.read(cand.path, cand.sha256)), row: cand }
      } catch (err) {
        log.warn({ err, version: cand.version }, 'candidate model cannot be loaded again; dropped')
        registry.change({ actor: 'system', action: 'model.candidate.drop', subject: `model:${cand.sha256}`, detail: { version: cand.version, why: (err as Error).message } }, () => registry.setRole(cand.id, 'retired'))
      }
    }
  }

  async setCandidate (src: CandidateSource, actor: string): Promise<Slot> {
    const origin: ModelOrigin = 'path' in src ? 'path' : 'upload'
    const source = 'path' in src ? readModelFile(src.path) : readUpload(src.bytes, src.card)
    const model = await this.load(source)
    if (model.sha256 === this.active?.model.sha256) {
      await model.dispose()
      throw new EdgeError(Errors.CONFLICT, `this model (sha256 ${model.sha256.slice(0, 12)}, version ${model.version}) is already active`)
    }
    const old = this.candidate
    const row = this.record(model, origin, 'path' in src ? src.path : 'upload', actor, 'model.candidate', null, {}, old?.row)
    this.candidate = { model, row }
    if (old) this.retire(old.model)
    return this.candidate
  }

  dropCandidate (actor: string): Slot {
    const c = this.candidate
    if (!c) throw new EdgeError(Errors.MODEL_NO_CANDIDATE)
    this.o.registry.change({ actor, action: 'model.candidate.drop', subject: `model:${c.model.sha256}`, detail: { version: c.model.version } }, () => this.o.registry.setRole(c.row.id, 'retired'))
    this.candidate = null
    this.retire(c.model)
    return c
  }

  /** The candidate becomes active, the active one retired; `evidence` (monitoring) goes into the audit line. */
  promote (actor: string, evidence: Record<string, unknown>): { from: Slot | null, to: Slot } {
    const c = this.candidate
    if (!c) throw new EdgeError(Errors.MODEL_NO_CANDIDATE, 'no candidate model to promote: POST /api/v1/models/candidate first')
    const from = this.active
    const { registry } = this.o
    registry.change({ actor, action: 'model.promote', subject: `model:${c.model.sha256}`, detail: { from: from ? summary(from) : null, to: summary(c), ...evidence } }, () => {
      if (from) registry.setRole(from.row.id, 'retired', { retiredBy: 'promote', ...evidence })
      registry.setRole(c.row.id, 'active')
    })
    this.active = { model: c.model, row: registry.role('active')! }
    this.candidate = null
    this.problem = null
    if (from) this.retire(from.model)
    this.o.log.info({ actor, version: c.model.version, sha256: c.model.sha256, previous: from?.model.version ?? null }, 'candidate model promoted')
    return { from, to: this.active }
  }

  /** The model active before the current one acts again (its kept copy, checked and loaded first). */
  async rollback (actor: string, note: string | null = null): Promise<{ from: Slot | null, to: Slot }> {
    const { registry } = this.o
    const prev = registry.previous()
    if (!prev) throw new EdgeError(Errors.MODEL_NO_PREVIOUS)
    const model = await this.load(this.o.store.read(prev.path, prev.sha256))
    const from = this.active
    registry.change({ actor, action: 'model.rollback', subject: `model:${prev.sha256}`, detail: { note, from: from ? summary(from) : null, to: { version: prev.version, sha256: prev.sha256 } } }, () => {
      if (from) registry.setRole(from.row.id, 'retired', { retiredBy: 'rollback' })
      registry.setRole(prev.id, 'active')
    })
    this.active = { model, row: registry.role('active')! }
    this.problem = null
    if (from) this.retire(from.model)
    this.o.log.warn({ actor, version: model.version, sha256: model.sha256, previous: from?.model.version ?? null }, 'model rolled back')
    return { from, to: this.active }
  }

  /** Marks a pass running; the returned function marks it done. */
  enter (): () => void {
    this.busy++
    return () => {
      if (--this.busy === 0) this.releaseRetired()
    }
  }

  async close (): Promise<void> {
    const all = [this.active?.model, this.candidate?.model, ...this.retiring].filter((m): m is LoadedModel => m !== undefined)
    this.active = null
    this.candidate = null
    this.retiring = []
    await Promise.all(all.map((m) => m.dispose().catch(() => {})))
  }

  private async load (src: ModelSource): Promise<LoadedModel> {
    try {
      const model = await loadModel(src)
      this.o.metrics.riskModelLoads.inc({ result: 'ok' })
      return model
    } catch (err) {
      this.o.metrics.riskModelLoads.inc({ result: isEdgeError(err) ? err.code : 'error' })
      this.o.log.error({ err, model: src.where }, 'model refused')
      throw err
    }
  }

  /** Keeps a copy, then registers the model in `role` with its audit line, retiring `replaces`. */
  private record (model: LoadedModel, origin: ModelOrigin, source: string, actor: string, action: string, replacesActive: RegistryRow | null, detail: Record<string, unknown>, replacesCandidate?: RegistryRow): RegistryRow {
    const { registry, store } = this.o
    const path = store.keep(model.sha256, model.bytesOf(), model.card.raw)
    const role = action === 'model.candidate' ? 'candidate' : 'active'
    const id = registry.change({ actor, action, subject: `model:${model.sha256}`, detail: { version: model.version, origin, source, ...detail } }, () => {
      if (replacesActive) registry.setRole(replacesActive.id, 'retired', { retiredBy: action })
      if (replacesCandidate) registry.setRole(replacesCandidate.id, 'retired', { retiredBy: 'replaced by another candidate' })
      return registry.add({ role, version: model.version, sha256: model.sha256, path, kind: model.kind, origin, metrics: { source, card: model.card.metrics } })
    })
    return registry.history(20).find((r) => r.id === id)!
  }

  private retire (m: LoadedModel): void {
    this.retiring.push(m)
    if (this.busy === 0) this.releaseRetired()
  }

  private releaseRetired (): void {
    const done = this.retiring
    this.retiring = []
    for (const m of done) void m.dispose().catch(() => {})
  }
}

function summary (s: Slot): { version: string, sha256: string } {
  return { version: s.model.version, sha256: s.model.sha256 }
}

function problemOf (err: unknown, path: string): ModelProblem {
  const code = isEdgeError(err) ? err.code : Errors.MODEL_INVALID.code
  const message = (err as Error).message
  if (code === Errors.MODEL_NOT_FOUND.code) return { reason: 'model_missing', code, detail: message, path }
  return { reason: 'model_failed_to_load', code, detail: message, path }
}
