// The store's KPIs from the server's side (issue 5, point 7), over a window of the server clock:
// open tasks by kind and age, time to first action, completion time, labor per task, units per
// labor minute for fills, backroom dwell, and exception (count, review) resolution time.
// GET /api/v1/kpis answers with compute(); the arithmetic is in stats.ts, the SQL in reads.ts.

import type { Database } from 'better-sqlite3'
import type { Clock } from '../../core/clock.js'
import { TASK_KINDS, type TaskKind } from '../tasks/types.js'
import { KpiReads } from './reads.js'
import { ageBucket, emptyBuckets, fifoDwell, summarize, summarizeWeighted, type AgeBucket, type Summary } from './stats.js'

/** Longest window, hours (90 days). */
export const MAX_KPI_HOURS = 24 * 90

/**
 * How far before the window the receiving ledger is read, days: a put-away in the window is
 * matched to receipts up to this long before the window began; older stock counts as unmatched.
 */
export const DWELL_LOOKBACK_DAYS = 30

const MIN = 60_000 // ms
const HOUR = 3_600_000 // ms

/** Kinds whose tasks resolve an exception: a suspected wrong record, a receiving discrepancy. */
const EXCEPTION_KINDS: readonly TaskKind[] = ['count', 'review']

/** The window a provider is asked about, ms of the server clock. */
export interface KpiWindow { fromMs: number, toMs: number }

export interface KpiServiceOptions {
  db: Database
  clock: Clock
  /**
   * The phantom-inventory detector's precision (share of its counts that found a discrepancy) in
   * the window; shown as `phantomPrecision`, null until a detector provides it.
   */
  phantomPrecision?: (w: KpiWindow) => unknown
  /** Order proposals made in the window by how they ended (auto, approved, overridden); null until provided. */
  orderProposals?: (w: KpiWindow) => unknown
}

type ByKind<T> = Record<TaskKind, T>

export interface Kpis {
  window: { hours: number, from: string, to: string }
  openTasks: {
    total: number
    byKind: ByKind<{ total: number, open: number, claimed: number, started: number, age: Record<AgeBucket, number> }>
  }
  timeToFirstActionMin: ByKind<Summary> & { all: Summary }
  completionMin: ByKind<Summary> & { all: Summary }
  laborMinPerTask: ByKind<{ n: number, totalMin: number, mean: number | null, median: number | null }>
  fillUnitsPerLaborMin: { units: number, laborMin: number, rate: number | null }
  backroomDwellH: Summary & { units: number, unmatchedUnits: number, waiting: { units: number, skus: number, oldestH: number | null, medianH: number | null } }
  exceptionResolutionH: { count: Summary, review: Summary, all: Summary }
  phantomPrecision: unknown
  orderProposals: unknown
}

const r2 = (v: number): number => Math.round(v * 100) / 100

function byKind<T> (make: () => T): ByKind<T> {
  return Object.fromEntries(TASK_KINDS.map((k) => [k, make()])) as ByKind<T>
}

export class KpiService {
  private readonly reads: KpiReads

  constructor (private readonly o: KpiServiceOptions) {
    this.reads = new KpiReads(o.db)
  }

  compute (hours: number): Kpis {
    const toMs = this.o.clock.now()
    const fromMs = toMs - hours * HOUR
    const inWindow = (ms: number): boolean => Number.isFinite(ms) && ms >= fromMs && ms <= toMs


    const firstAction = byKind<number[]>(() => [])
    const completion = byKind<number[]>(() => [])
    const labor = byKind<number[]>(() => [])
    const resolution = byKind<number[]>(() => [])
    let fillUnits = 0
    let fillLabor = 0
    for (const t of this.reads.tasksSince(new Date(fromMs).toISOString())) {
      const created = Date.parse(t.createdAt)
      const first = Math.min(...t.firstActions.map((a) => Date.parse(a)).filter(Number.isFinite))
      // A handheld clock behind the server's can put a claim before the task existed: 0, not negative.
      if (inWindow(first)) firstAction[t.kind].push(Math.max(0, first - created) / MIN)
      const done = t.doneAt === null ? NaN : Date.parse(t.doneAt)
      if (t.state !== 'done' || !inWindow(done)) continue
      const claimed = t.claimedAt === null ? NaN : Date.parse(t.claimedAt)
      if (Number.isFinite(claimed)) completion[t.kind].push(Math.max(0, done - claimed) / MIN)
      resolution[t.kind].push(Math.max(0, done - created) / HOUR)
      const laborMin = numberOf(t.result?.laborMin)
      if (laborMin !== null) labor[t.kind].push(laborMin)
      if (t.kind === 'fill' && laborMin !== null) {
        fillUnits += numberOf(t.result?.moved) ?? 0
        fillLabor += laborMin
      }
    }

    const summaries = (m: ByKind<number[]>): ByKind<Summary> & { all: Summary } =>
      ({ ...Object.fromEntries(TASK_KINDS.map((k) => [k, summarize(m[k])])) as ByKind<Summary>, all: summarize(TASK_KINDS.flatMap((k) => m[k])) })

    return {
      window: { hours, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
      openTasks: this.openTasks(toMs),
      timeToFirstActionMin: summaries(firstAction),
      completionMin: summaries(completion),
      laborMinPerTask: Object.fromEntries(TASK_KINDS.map((k) => {
        const v = labor[k]
        const total = v.reduce((s, x) => s + x, 0)
        return [k, { n: v.length, totalMin: r2(total), mean: v.length ? r2(total / v.length) : null, median: summarize(v).median }]
      })) as Kpis['laborMinPerTask'],
      fillUnitsPerLaborMin: { units: fillUnits, laborMin: r2(fillLabor), rate: fillLabor > 0 ? r2(fillUnits / fillLabor) : null },
      backroomDwellH: this.dwell(fromMs, toMs),
      exceptionResolutionH: {
        count: summarize(resolution.count),
        review: summarize(resolution.review),
        all: summarize(EXCEPTION_KINDS.flatMap((k) => resolution[k]))
      },
      phantomPrecision: this.o.phantomPrecision?.({ fromMs, toMs }) ?? null,
      orderProposals: this.o.orderProposals?.({ fromMs, toMs }) ?? null
    }
  }

  /** Tasks waiting for work now (open, claimed, started) by kind, state and age since creation. */
  openTasks (nowMs = this.o.clock.now()): Kpis['openTasks'] {
    const open = byKind(() => ({ total: 0, open: 0, claimed: 0, started: 0, age: emptyBuckets() }))
    const live = this.reads.liveTasks()
    for (const t of live) {
      const k = open[t.kind]
      k.total++
      if (t.state === 'open' || t.state === 'claimed' || t.state === 'started') k[t.state]++
      k.age[ageBucket((nowMs - Date.parse(t.createdAt)) / MIN)]++
    }
    return { total: live.length, byKind: open }
  }

  private dwell (fromMs: number, toMs: number): Kpis['backroomDwellH'] {
    const since = new Date(fromMs - DWELL_LOOKBACK_DAYS * 24 * HOUR).toISOString()
    const moves = this.reads.receivingMoves(since, new Date(toMs).toISOString())
      .map((m) => ({ sku: m.sku, atMs: Date.parse(m.occurredAt), delta: m.delta, reason: m.reason }))
    const d = fifoDwell(moves, fromMs, toMs)
    const units = d.samples.reduce((s, x) => s + x.weight, 0)
    const waitingUnits = d.waiting.reduce((s, x) => s + x.units, 0)
    const waitingAges = summarizeWeighted(d.waiting.map((w) => ({ value: w.ageH, weight: w.units })), d.waiting.length)
    return {
      ...summarizeWeighted(d.samples, d.samples.length),
      units,
      unmatchedUnits: d.unmatchedUnits,
      waiting: {
        units: waitingUnits,
        skus: new Set(d.waiting.map((w) => w.sku)).size,
        oldestH: d.waiting.length ? r2(Math.max(...d.waiting.map((w) => w.ageH))) : null,
        medianH: waitingAges.median
      }
    }
  }
}

function numberOf (v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

