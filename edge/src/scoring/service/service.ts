// Shelf-risk scoring at runtime. Two tiers share one pass (pass.ts): the fast tier rescored the
// SKU-locations of fresh events (book.isFresh: gaps, counts, fills, fast movers' sales) right after
// their batch is committed and applied to the feature book, coalesced per batch and capped at
// riskFastMaxPerSecond; the slow tier rescored every SKU-location on riskSlowCron (on the server's
// clock, so simulated time under the simulator), then refreshes monitoring and writes the changed
// scores. Scores live in memory (current.ts) for the API; models in slots.ts.

import type { Clock } from '../../core/clock.js'
import type { EdgeConfig } from '../../core/config.js'
import { EdgeError, Errors } from '../../core/errors.js'
import type { Log } from '../../core/log.js'
import type { Metrics } from '../../core/metrics.js'
import type { Scheduler } from '../../core/scheduler.js'
import type { Database } from '../../store/db.js'
import type { JournalWriter } from '../../store/journal-thread.js'
import type { LocationKind } from '../../store/catalog.js'
import type { FeatureEvent } from '../features/book.js'
import { Monitor, type MonitoringReport } from '../monitor/monitor.js'
import { CurrentScores } from './current.js'
import { rangeLimits } from './governance.js'
import { ModelStore } from './model-store.js'
import { scorePass, type FeatureKey, type FeatureSource, type PassModels, type PassResult } from './pass.js'
import { ModelRegistry } from './registry.js'
import { flushRisk, loadOutcomes } from './persist.js'
import { ModelSlots, type CandidateSource, type Slot } from './slots.js'

/** What scoring reads of the feature book (scoring/features/book.ts). */
export interface RiskBook extends FeatureSource {
  isFresh (e: FeatureEvent): boolean
  categoryOf (sku: string): string | null
  record (sku: string, location: string): { onHand: number, inTransit: number }
}

/** The config keys scoring reads (edge/src/core/config.ts). */
export type RiskConfig = Pick<EdgeConfig, 'riskCalibrationBound' | 'riskCalibrationMinCount' | 'riskRangeTolerance' | 'riskSlowCron' | 'riskFastMaxPerSecond' | 'riskWindowDays' | 'riskBatchRows' | 'riskHistoryDays'>

export interface RiskServiceOptions {
  config: RiskConfig
  /** The configured model file; null = rules only. */
  modelPath: string | null
  /** Where copies of activated and candidate models are kept. */
  modelsDir: string
  db: Database
  writer: Pick<JournalWriter, 'write'>
  book: RiskBook
  kindOf: (location: string) => LocationKind | undefined
  clock: Clock
  scheduler: Scheduler
  log: Log
  metrics: Metrics
}

/** One turn of the event loop: long jobs give way to PUBACKs, the fast tier and HTTP between steps. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Told which SKU-locations a pass just rescored (their scores are in `scores`); must be quick and synchronous. */
export type ScoredListener = (keys: ReadonlyArray<FeatureKey>, tier: 'fast' | 'slow') => void

export interface LastPass { tier: 'fast' | 'slow', at: string, ms: number, scored: number, model: number, rules: number }

export class RiskService {
  readonly scores = new CurrentScores()
  readonly monitor: Monitor
  readonly slots: ModelSlots
  readonly registry: ModelRegistry
  private readonly log: Log
  private cancelSlow: (() => void) | null = null
  private slowRun: Promise<PassResult> | null = null
  /** A full pass asked for while one runs: it starts when that one ends; later asks join it. */
  private slowNext: Promise<PassResult> | null = null
  private fastRun: Promise<void> | null = null
  /** Fresh SKU-locations waiting for the fast tier, with when their event was applied (performance.now()). */
  private pending = new Map<string, { key: FeatureKey, since: number }>()
  private tokens: number
  private tokensAt = performance.now()
  private refillTimer: NodeJS.Timeout | null = null
  /** Why the active model may not act (calibration off bounds), or null. */
  private drift: string | null = null
  private fileChange: string | null = null
  private flushing: Promise<void> = Promise.resolve()
  /** What each SKU-location's last written row said, to write only rows that changed. */
  private readonly written = new Map<string, string>()
  /** The last score history point kept per SKU-location (persist.ts). */
  private readonly historyLast = new Map<string, { score: number, scorer: string }>()
  private stopped = false
  lastSlow: LastPass | null = null
  lastFast: LastPass | null = null
  private readonly listeners: ScoredListener[] = []

  constructor (private readonly o: RiskServiceOptions) {
    this.log = o.log
    this.registry = new ModelRegistry(o.db, () => new Date(o.clock.now()).toISOString())
    this.slots = new ModelSlots({ registry: this.registry, store: new ModelStore(o.modelsDir), log: o.log, metrics: o.metrics, configuredPath: o.modelPath })
    this.monitor = new Monitor({
      scores: this.scores,
      kindOf: o.kindOf,
      onHandAfter: (sku, location) => o.book.record(sku, location).onHand,
      categoryOf: (sku) => o.book.categoryOf(sku),
      metrics: o.metrics,
      windowMs: o.config.riskWindowDays * 86_400_000,
      calibrationBound: o.config.riskCalibrationBound,
      calibrationMinCount: o.config.riskCalibrationMinCount
    })
    this.tokens = o.config.riskFastMaxPerSecond
  }

  /** Calls `fn` after every fast-tier batch and every full pass with the keys rescored (the decisions hang off this). */
  onScored (fn: ScoredListener): void {
    this.listeners.push(fn)
  }

  private tell (keys: ReadonlyArray<FeatureKey>, tier: 'fast' | 'slow'): void {
    for (const fn of this.listeners) {
      try { fn(keys, tier) } catch (err) { this.log.error({ err, tier }, 'scored listener failed') }
    }
  }

  /** Loads the models and the monitoring window, schedules the slow tier; the first full pass is started, not awaited. */
  async start (): Promise<void> {
    await this.slots.start()
    this.monitor.restore(loadOutcomes(this.o.db, this.o.clock.now() - this.o.config.riskWindowDays * 86_400_000))
    this.drift = this.slots.active ? this.monitor.calibrationDrift(this.slots.active.model.sha256, this.o.clock.now()) : null
    this.cancelSlow = this.o.scheduler.cron('risk-slow-tier', this.o.config.riskSlowCron, () => this.rescoreAll().then(() => {}))
    void this.rescoreAll()
  }

  /** The commit feed calls this for every committed event, after the feature book applied it. */
  applied (e: FeatureEvent): void {
    if (this.stopped) return
    this.monitor.observe(e)
    if (this.o.config.riskFastMaxPerSecond === 0 || e.sku === null || e.location === null || !this.o.book.isFresh(e)) return
    // A count in the backroom moves the SKU's shelves' backroom_qty: what is rescored is always a
    // scored shelf of the SKU (the event's own, or all of them).
    const keys = this.o.kindOf(e.location) === 'shelf' ? [{ sku: e.sku, location: e.location }] : this.keysOf(e.sku)
    const since = performance.now()
    for (const key of keys) {
      const k = `${key.sku}\u0000${key.location}`
      if (!this.pending.has(k)) this.pending.set(k, { key, since })
    }
    if (keys.length > 0) this.kickFast()
  }

  private keyIndex: { of: ReadonlyArray<FeatureKey>, bySku: Map<string, FeatureKey[]> } | null = null

  /** The scored shelves of a SKU, from the book's keys (indexed again when they change). */
  private keysOf (sku: string): FeatureKey[] {
    const keys = this.o.book.keys()
    if (this.keyIndex?.of !== keys) {
      const bySku = new Map<string, FeatureKey[]>()
      for (const k of keys) {
        const list = bySku.get(k.sku)
        if (list) list.push(k)
        else bySku.set(k.sku, [k])
      }
      this.keyIndex = { of: keys, bySku }
    }
    return this.keyIndex.bySku.get(sku) ?? []
  }

  /** Starts the fast tier unless it runs: after this turn, so the rest of the batch (applied in this same turn) joins the pass. */
  private kickFast (): void {
    if (this.fastRun === null) this.fastRun = Promise.resolve().then(() => this.drainFast())
  }

  /** Resolves when no fast pass is running or waiting. */
  async fastIdle (): Promise<void> {
    while (this.fastRun !== null) await this.fastRun
  }

  private async drainFast (): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.stopped) {
        const take = this.takeTokens(this.pending.size)
        if (take === 0) { this.waitForTokens(); return }
        const batch: Array<{ key: FeatureKey, since: number }> = []
        for (const [k, v] of this.pending) {
          if (batch.length >= take) break
          batch.push(v)
          this.pending.delete(k)
        }
        const started = performance.now()
        const keys = batch.map((b) => b.key)
        const res = await this.pass(keys, 'fast')
        const done = performance.now()
        this.tell(keys, 'fast')
        for (const b of batch) this.o.metrics.riskFastLatency.observe((done - b.since) / 1000)
        this.lastFast = { tier: 'fast', at: new Date(this.o.clock.now()).toISOString(), ms: round(done - started), ...res }
      }
    } catch (err) {
      this.log.error({ err }, 'fast-tier scoring failed')
    } finally {
      this.fastRun = null
    }
  }

  /** Token bucket of riskFastMaxPerSecond, real time: the fast tier's share of the CPU. */
  private takeTokens (want: number): number {
    const rate = this.o.config.riskFastMaxPerSecond
    const now = performance.now()
    this.tokens = Math.min(rate, this.tokens + (now - this.tokensAt) / 1000 * rate)
    this.tokensAt = now
    const n = Math.min(want, Math.floor(this.tokens))
    this.tokens -= n
    return n
  }

  private waitForTokens (): void {
    if (this.refillTimer) return
    const ms = Math.ceil(1000 / this.o.config.riskFastMaxPerSecond) + 1
    this.refillTimer = setTimeout(() => {
      this.refillTimer = null
      if (this.pending.size > 0) this.kickFast()
    }, ms)
    this.refillTimer.unref()
  }

  /**
   * The slow tier: every SKU-location, from the book as it is when the pass starts. A call while a
   * pass runs gets the next one (what changed meanwhile is in it); calls while that one waits join it.
   */
  rescoreAll (): Promise<PassResult> {
    if (this.slowRun === null) {
      this.slowRun = this.slow().finally(() => { this.slowRun = null })
      return this.slowRun
    }
    this.slowNext ??= this.slowRun.catch(() => {}).then(() => {
      this.slowNext = null
      return this.rescoreAll()
    })
    return this.slowNext
  }

  private async slow (): Promise<PassResult> {
    if (this.stopped) return { scored: 0, model: 0, rules: 0 }
    const nowMs = this.o.clock.now()
    this.judgeCalibration(nowMs)
    const keys = this.o.book.keys()
    const active = this.slots.active?.model ?? null
    const counter = active ? this.monitor.driftCounter(active.card) : null
    const started = performance.now()
    const res = await this.pass(keys, 'slow', counter ? (x, off) => counter.add(x, off) : undefined)
    const ms = performance.now() - started
    this.lastSlow = { tier: 'slow', at: new Date(nowMs).toISOString(), ms: round(ms), ...res }
    await turn()
    if (!this.stopped) this.tell(keys, 'slow')
    await turn()
    if (counter && active) this.monitor.finishDrift(counter, active.card, nowMs)
    this.log.debug({ ...this.lastSlow }, 'shelf risk rescored')
    this.watchFile(active)
    await turn()
    await this.refreshGauges(nowMs)
    await turn()
    await this.flush()
    return res
  }

  private async pass (keys: ReadonlyArray<FeatureKey>, tier: 'fast' | 'slow', onVector?: (x: Float32Array, off: number) => void): Promise<PassResult> {
    const done = this.slots.enter()
    const started = performance.now()
    try {
      const res = await scorePass({
        keys,
        source: this.o.book,
        models: this.passModels(),
        scores: this.scores,
        nowMs: this.o.clock.now(),
        tier,
        batchRows: this.o.config.riskBatchRows,
        log: this.log,
        onVector
      })
      this.o.metrics.riskScoringTime.observe({ tier }, (performance.now() - started) / 1000)
      if (res.model > 0) this.o.metrics.riskScores.inc({ tier, scorer: 'model' }, res.model)
      if (res.rules > 0) this.o.metrics.riskScores.inc({ tier, scorer: 'rules' }, res.rules)
      return res
    } finally {
      done()
    }
  }

  private passModels (): PassModels {
    const a = this.slots.active
    const p = this.slots.problem
    return {
      active: a ? { model: a.model, limits: rangeLimits(a.model.card, this.o.config.riskRangeTolerance, a.model.used) } : null,
      missing: p ? { reason: p.reason, detail: p.code ? `${p.code}: ${p.detail}` : p.detail } : { reason: 'model_missing', detail: 'no model' },
      candidate: this.slots.candidate?.model ?? null,
      drift: this.drift
    }
  }

  /**
   * Calibration of the active model over the window, judged before each full pass (the fast tier
   * goes by the last judgement); a change either way is logged.
   */
  private judgeCalibration (nowMs: number): void {
    const a = this.slots.active
    const drift = a ? this.monitor.calibrationDrift(a.model.sha256, nowMs) : null
    if (drift !== null && this.drift === null) this.log.warn({ version: a!.model.version, detail: drift, bound: this.o.config.riskCalibrationBound }, 'model calibration drifted: rules score until it recovers')
    if (drift === null && this.drift !== null && a) this.log.info({ version: a.model.version }, 'model calibration back within bound: the model scores again')
    this.drift = drift
  }

  /** Scorer counts and monitoring gauges, after each full pass. */
  private async refreshGauges (nowMs: number): Promise<void> {
    const a = this.slots.active
    const t = this.scores.tally()
    for (const [scorer, n] of Object.entries(t.scorer)) this.o.metrics.riskScorer.set({ scorer }, n)
    this.o.metrics.riskRulesReason.reset()
    for (const [reason, n] of Object.entries(t.reason)) this.o.metrics.riskRulesReason.set({ reason }, n)
    await this.monitor.refreshGauges(nowMs, a?.model ?? null, this.slots.candidate?.model ?? null)
  }

  private watchFile (active: Slot['model'] | null): void {
    const change = active?.fileChanged() ?? null
    if (change !== null && change !== this.fileChange) this.log.warn({ version: active!.version, detail: change }, 'active model file changed on disk')
    this.fileChange = change
  }

  /** Writes changed scores and new confirmations through the journal thread; one flush at a time. */
  flush (): Promise<void> {
    this.flushing = this.flushing.then(() => flushRisk({
      writer: this.o.writer,
      scores: this.scores.takeDirty(),
      outcomes: this.monitor.takeUnsaved(),
      written: this.written,
      pruneBefore: new Date(this.o.clock.now() - this.o.config.riskWindowDays * 86_400_000).toISOString(),
      history: { last: this.historyLast, pruneBefore: new Date(this.o.clock.now() - this.o.config.riskHistoryDays * 86_400_000).toISOString() }
    })).catch((err: Error) => { this.log.warn({ err }, 'risk scores not written') })
    return this.flushing
  }

  // ---- operator actions (the API's /models routes) ----

  async setCandidate (src: CandidateSource, actor: string): Promise<Slot> {
    const slot = await this.slots.setCandidate(src, actor)
    void this.rescoreAll()
    return slot
  }

  dropCandidate (actor: string): Slot {
    return this.slots.dropCandidate(actor)
  }

  promote (actor: string, note: string | null = null): { from: Slot | null, to: Slot } {
    const nowMs = this.o.clock.now()
    const cand = this.slots.candidate
    const report = cand ? this.monitor.report(nowMs, this.slots.active?.model ?? null, cand.model) : null
    const evidence = { note, comparison: report?.comparison ? { active: brief(report.comparison.active), candidate: brief(report.comparison.candidate) } : null }
    const r = this.slots.promote(actor, evidence)
    this.drift = this.monitor.calibrationDrift(r.to.model.sha256, nowMs)
    void this.rescoreAll()
    return r
  }

  async rollback (actor: string, note: string | null = null): Promise<{ from: Slot | null, to: Slot }> {
    const r = await this.slots.rollback(actor, note)
    this.drift = this.monitor.calibrationDrift(r.to.model.sha256, this.o.clock.now())
    void this.rescoreAll()
    return r
  }

  // ---- what the API reads ----

  governance (): { drift: string | null, fileChanged: string | null, calibrationBound: number, rangeTolerance: number } {
    return { drift: this.drift, fileChanged: this.fileChange, calibrationBound: this.o.config.riskCalibrationBound, rangeTolerance: this.o.config.riskRangeTolerance }
  }

  monitoring (): MonitoringReport {
    return this.monitor.report(this.o.clock.now(), this.slots.active?.model ?? null, this.slots.candidate?.model ?? null)
  }

  categoryOf (sku: string): string | null { return this.o.book.categoryOf(sku) }

  /** Stops the slow tier and the fast tier, waits for passes, writes what is left, releases sessions. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.cancelSlow?.()
    if (this.refillTimer) clearTimeout(this.refillTimer)
    await this.fastIdle()
    await this.slowNext?.catch(() => {})
    await this.slowRun?.catch(() => {})
    await this.flush()
    await this.slots.close()
  }

  assertRunning (): void {
    if (this.stopped) throw new EdgeError(Errors.UNAVAILABLE)
  }
}

const brief = (r: { n: number, auc: number | null, brier: number | null }): { n: number, auc: number | null, brier: number | null } => ({ n: r.n, auc: r.auc, brier: r.brier })
const round = (v: number): number => Math.round(v * 100) / 100
