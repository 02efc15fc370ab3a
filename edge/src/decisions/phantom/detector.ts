// The phantom-inventory detector: on the server scheduler (every phantomEveryMin minutes of the
// server clock) it estimates, for every scored shelf and every bin a fill came up short at, the
// probability that the record is wrong (estimate.ts), ranks the suspects by expected lost sales,
// and raises count tasks for the most costly ones within a daily budget (countBudgetPerDay detector
// counts per store day, the server clock's UTC day). A count's value is the expected lost sales it
// saves per labor minute. It cancels its own open counts, with the reason, once the evidence cleared:
// a sale rang up (the shelf had stock), someone saw the location holding stock, or the record went
// to zero. Counts raised by a short fill or by hand, and counts an associate holds, are left alone.

import type { Clock } from '../../core/clock.js'
import type { Log } from '../../core/log.js'
import type { PhantomFacts } from '../../scoring/features/index.js'
import type { Item } from '../../store/catalog.js'
import type { TaskStore } from '../tasks/task-store.js'
import type { Task } from '../tasks/types.js'
import { estimate, expectedLostSales, type Look, type Piece, type ShortFill } from './estimate.js'
import type { PhantomRows, ShortFillRow } from './rows.js'

/** Marks the counts this detector made (why.detector): the only ones it updates or cancels. */
export const DETECTOR = 'phantom'
/** Labor of one count, minutes: walk to the location, count the facing (or bin), report. */
export const COUNT_LABOR_MIN = 3
/**
 * Hours a phantom goes unnoticed without a count: the daily facing round or a customer complaint
 * finds an empty facing within about a day, and the store aims to find phantoms within one.
 */
export const HOURS_UNTIL_FOUND = 24
/** Short fills looked back at, days (a bin counted since has its own evidence cleared). */
export const SHORT_FILL_DAYS = 7

const DAY_MS = 86_400_000
const iso = (ms: number): string => new Date(ms).toISOString()
const keyOf = (sku: string, location: string): string => `${sku}\u0000${location}`

export interface PhantomBook {
  keys (): ReadonlyArray<{ sku: string, location: string }>
  phantom (sku: string, location: string, nowMs: number): PhantomFacts
}

export interface PhantomDetectorOptions {
  config: { countBudgetPerDay: number, phantomMinProbability: number }
  book: PhantomBook
  tasks: TaskStore
  rows: PhantomRows
  item: (sku: string) => Item | undefined
  clock: Clock
  log: Log
}

export interface Suspect {
  sku: string
  location: string
  probability: number
  prior: number
  evidence: Piece[]
  /** probability x rate of sale x price x HOURS_UNTIL_FOUND, currency. */
  expectedLostSales: number
  record: { onHand: number }
  ratePerH: number
  unitPrice: number | null
  hoursUntilFound: number
  /** Start of the silence the evidence is counted from, ISO 8601 event time; null = none. */
  since: string | null
  /** Event ids of the evidence. */
  lineage: string[]
}

export interface Budget { day: string, limit: number, used: number, left: number }
export interface RunResult { raised: number, updated: number, cancelled: number, overBudget: number }

export class PhantomDetector {
  constructor (private readonly o: PhantomDetectorOptions) {}

  /** Every SKU-location with some evidence, most expected lost sales first. */
  suspects (nowMs = this.o.clock.now(), minProbability = 0): Suspect[] {
    const fills = this.shortFillsByKey(nowMs)
    const keys = new Map<string, { sku: string, location: string }>()
    for (const k of this.o.book.keys()) keys.set(keyOf(k.sku, k.location), k)
    for (const f of fills.values()) keys.set(keyOf(f[0].sku, f[0].bin), { sku: f[0].sku, location: f[0].bin })
    const facts = [...keys.values()].map((k) => ({ k, f: this.o.book.phantom(k.sku, k.location, nowMs) }))
    const ids = this.o.rows.eventIds(facts.flatMap(({ f }) => f.marks.map((m) => m.seq)))
    const out: Suspect[] = []
    for (const { k, f } of facts) {
      const looks: Look[] = f.marks.map((m) => ({ kind: m.kind, eventId: ids.get(m.seq) ?? null, at: iso(m.atMs) }))
      const short = (fills.get(keyOf(k.sku, k.location)) ?? []).filter((r) => !(Date.parse(r.doneAt) <= f.settledMs))
      const shortFills: ShortFill[] = short.map((r) => ({ taskId: r.taskId, found: r.found, asked: r.asked, at: r.doneAt }))
      const est = estimate({ onHand: f.onHand, expectedSales: f.expectedSales, silentH: f.silentH, looks, shortFills })
      if (est.pieces.length === 0 || est.probability < minProbability) continue
      const price = this.o.item(k.sku)?.unitPrice ?? null
      const ratePerH = f.rateDay / 24
      out.push({
        sku: k.sku,
        location: k.location,
        probability: est.probability,
        prior: est.prior,
        evidence: est.pieces,
        // An unknown price counts as 1: the rank is then by probability and rate alone.
        expectedLostSales: expectedLostSales(est.probability, ratePerH, price ?? 1, HOURS_UNTIL_FOUND),
        record: { onHand: f.onHand },
        ratePerH,
        unitPrice: price,
        hoursUntilFound: HOURS_UNTIL_FOUND,
        since: Number.isNaN(f.sinceMs) ? null : iso(f.sinceMs),
        lineage: [...looks.flatMap((l) => l.eventId === null ? [] : [l.eventId]), ...short.flatMap((r) => r.events)]
      })
    }
    return out.sort((a, b) => b.expectedLostSales - a.expectedLostSales || b.probability - a.probability || (a.sku + a.location < b.sku + b.location ? -1 : 1))
  }

  /** Today's detector count budget (the server clock's UTC day). */
  budget (nowMs = this.o.clock.now()): Budget {
    const start = Math.floor(nowMs / DAY_MS) * DAY_MS
    const used = this.o.rows.detectorRaised(iso(start), iso(start + DAY_MS))
    const limit = this.o.config.countBudgetPerDay
    return { day: iso(start).slice(0, 10), limit, used, left: Math.max(0, limit - used) }
  }

  /** One pass: cancel what cleared, then raise or refresh counts for the costliest suspects within the budget. */
  run (): RunResult {
    const nowMs = this.o.clock.now()
    const res: RunResult = { raised: 0, updated: 0, cancelled: 0, overBudget: 0 }
    const suspects = this.suspects(nowMs, this.o.config.phantomMinProbability)
    this.o.tasks.batch(() => {
      for (const t of this.o.tasks.liveOf('count')) {
        if (t.why.detector !== DETECTOR || t.state !== 'open') continue
        const reason = this.cleared(t, nowMs)
        if (reason === null) continue
        this.o.tasks.cancel(t.id, reason)
        this.o.tasks.audit('system', 'task.cancel', t.id, { reason })
        res.cancelled++
      }
      let left = this.budget(nowMs).left
      for (const s of suspects) {
        const live = this.o.tasks.live('count', s.sku, s.location)
        if (live !== undefined) {
          // A short fill's or a hand-made count, or one an associate holds: theirs to finish.
          if (live.why.detector !== DETECTOR || live.state !== 'open') continue
          const value = s.expectedLostSales / COUNT_LABOR_MIN
          if (Math.abs(live.value - value) < 1e-9) continue
          this.o.tasks.upsertLive(draftOf(s))
          res.updated++
          continue
        }
        if (left <= 0) { res.overBudget++; continue }
        this.o.tasks.create(draftOf(s))
        left--
        res.raised++
      }
    })
    if (res.raised + res.updated + res.cancelled + res.overBudget > 0) this.o.log.info({ ...res, suspects: suspects.length }, 'phantom counts detected')
    return res
  }

  /** Why the suspicion behind an open detector count no longer holds, or null. */
  private cleared (t: Task, nowMs: number): string | null {
    const f = this.o.book.phantom(t.sku, t.location, nowMs)
    if (!(f.onHand > 0)) return 'the record went to zero: nothing to count missing'
    const since = typeof t.why.since === 'string' ? Date.parse(t.why.since) : Date.parse(t.createdAt)
    const raisedSince = Number.isFinite(since) ? since : Date.parse(t.createdAt)
    if (f.lastSaleMs > raisedSince) return `a sale rang up at ${iso(f.lastSaleMs)}: the shelf had stock`
    if (f.settledMs > raisedSince) return `the location was seen holding stock (count, fill or shelf check) at ${iso(f.settledMs)}`
    return null
  }

  private shortFillsByKey (nowMs: number): Map<string, ShortFillRow[]> {
    const out = new Map<string, ShortFillRow[]>()
    for (const r of this.o.rows.shortFills(iso(nowMs - SHORT_FILL_DAYS * DAY_MS))) {
      const k = keyOf(r.sku, r.bin)
      const list = out.get(k)
      if (list) list.push(r)
      else out.set(k, [r])
    }
    return out
  }
}

function draftOf (s: Suspect): Parameters<TaskStore['create']>[0] {
  return {
    kind: 'count',
    sku: s.sku,
    location: s.location,
    value: s.expectedLostSales / COUNT_LABOR_MIN,
    laborMin: COUNT_LABOR_MIN,
    why: {
      detector: DETECTOR,
      text: `record says ${s.record.onHand} units; ${Math.round(s.probability * 100)}% likely the location holds less`,
      probability: s.probability,
      prior: s.prior,
      evidence: s.evidence,
      record: s.record,
      ratePerH: s.ratePerH,
      unitPrice: s.unitPrice,
      hoursUntilFound: s.hoursUntilFound,
      expectedLostSales: s.expectedLostSales,
      since: s.since
    },
    lineage: s.lineage
  }
}
