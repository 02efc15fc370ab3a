// One proposal run: for every item the supplier takes orders for today, forecast its demand from the
// store's own daily sales, set the order-up-to quantity against the stock (the record corrected by
// the phantom estimate) and the pipeline, hold it to the governance policy, and write the proposal,
// its audit row and, when it goes through on its own, the ERP-bound order in one transaction per
// chunk of items. Chunked with a yield between, so a store of 5,000 items keeps answering scans.

import type { Clock } from '../../core/clock.js'
import type { Log } from '../../core/log.js'
import type { Item, LocationKind } from '../../store/catalog.js'
import type { Database } from '../../store/db.js'
import type { ForecastLog } from '../../store/forecast-log.js'
import type { OutboxRows } from '../../store/outbox-rows.js'
import type { ProposalStore } from '../../store/proposals.js'
import { addDays, daysBetween, dayOf, type SalesStore } from '../../store/sales.js'
import { forecast, type DayFlags, type Forecast } from './forecast/index.js'
import { cycleNeed, deviationPct, reviewReasons, usualOrder } from './govern.js'
import { minMax } from './min-max.js'
import { approveInTx } from './approve.js'
import { orderUpTo } from './order-up-to.js'
import { isOrderDay, reviewDays } from './order-days.js'
import { hoursOf, onShift } from '../tasks/offer.js'
import { policyActor } from '../governance/policy-resolve.js'
import type { AuditSink, ModelFallback, PolicySource, Versions } from './ports.js'

/** Days of sales history the forecast reads (it weighs the recent ones most). */
export const HISTORY_DAYS = 728
/** Items per transaction and yield: about 3 ms each (bench/orders.ts), so scans wait at most ~0.1 s. */
const CHUNK = 25
/** Approved orders older than lead time + this many days are taken as arrived (or lost): no longer on order. */
export const LATE_GRACE_DAYS = 3
/** The last approved orders the usual order is the median of. */
const USUAL_OF = 8
/** Days of approved orders the lead-time spread is measured over. */
export const LEAD_TIME_WINDOW_D = 90
/** Deliveries seen before a supplier's own lead-time spread is used (else all suppliers', else none). */
export const LEAD_TIME_MIN_N = 10
const ALL_SUPPLIERS = '\u0000all'

/** Std dev of the lead times seen, days, per supplier with enough deliveries, and over all of them. */
export function leadTimeSpread (seen: Map<string, number[]>): Map<string, number> {
  const out = new Map<string, number>()
  const all: number[] = []
  for (const [supplier, days] of seen) {
    all.push(...days)
    if (days.length >= LEAD_TIME_MIN_N) out.set(supplier, stdDev(days))
  }
  if (all.length >= LEAD_TIME_MIN_N) out.set(ALL_SUPPLIERS, stdDev(all))
  return out
}

function stdDev (xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1))
}

/** Lead time when the item master has none, days. */
export const DEFAULT_LEAD_TIME_D = 2

export interface RunDeps {
  db: Database
  sales: SalesStore
  proposals: ProposalStore
  /** Every forecast the run makes, for tracking its error against what then sold. */
  forecasts: ForecastLog
  outbox: OutboxRows
  audit: AuditSink
  policies: PolicySource
  items: () => Iterable<Item>
  kindOf: (location: string) => LocationKind | undefined
  /** Probability the record of each SKU-location is phantom, keyed `${sku}\u0000${location}`. */
  phantom: () => Map<string, number>
  modelFallback: ModelFallback
  /** Versions every audit row carries (server, model). */
  versions: () => Versions
  /** Opening hours, config storeHours: the sales feed is silent by nature while the store is closed. */
  storeHours: string
  clock: Clock
  log: Log
}

export interface RunSummary {
  orderDay: string
  /** Items the supplier takes orders for today. */
  due: number
  created: number
  refreshed: number
  autoApproved: number
  pending: number
  fallback: number
  /** Items with nothing to order today. */
  nothing: number
  /** Items whose proposal for today was already decided. */
  decided: number
  ms: number
}

export async function runProposals (d: RunDeps): Promise<RunSummary> {
  const started = performance.now()
  const nowMs = d.clock.now()
  const now = new Date(nowMs).toISOString()
  const today = dayOf(nowMs)
  const from = addDays(today, -HISTORY_DAYS)
  const yesterday = addDays(today, -1)
  const due = [...d.items()].filter((i) => isOrderDay(today, i.orderDays)).sort((a, b) => a.sku < b.sku ? -1 : 1)
  const sum: RunSummary = { orderDay: today, due: due.length, created: 0, refreshed: 0, autoApproved: 0, pending: 0, fallback: 0, nothing: 0, decided: 0, ms: 0 }

  // Store-wide reads, once per run.
  const maxLead = Math.max(DEFAULT_LEAD_TIME_D, ...due.map((i) => i.leadTimeDays ?? DEFAULT_LEAD_TIME_D))
  const until = addDays(today, Math.ceil(maxLead) + 15)
  const dayFlags = calendarFlags(from, d.sales.calendar(from, until), daysBetween(from, until) + 1)
  const promos = d.sales.promotions(from, until)
  const onOrder = d.proposals.onOrder(addDays(today, -Math.ceil(maxLead) - LATE_GRACE_DAYS))
  const inTransit = d.proposals.inTransit()
  const stock = stockBySku(d.proposals.positions(), d.kindOf, d.phantom())
  const inDoubt = d.proposals.inDoubt()
  const lastApproved = d.proposals.lastApproved(USUAL_OF)
  const leadSpread = leadTimeSpread(d.proposals.leadTimes(new Date(nowMs - LEAD_TIME_WINDOW_D * 86_400_000).toISOString()))
  const staleStore = storeWideStale(d, nowMs)
  const lastCounts = d.proposals.lastCounts()
  const versions = d.versions()
  d.forecasts.prune(today)

  for (let c = 0; c < due.length; c += CHUNK) {
    const chunk = due.slice(c, c + CHUNK)
    const range = { first: chunk[0].sku, last: chunk[chunk.length - 1].sku }
    const series = d.sales.series(from, today, range)
    const firstDays = d.sales.firstDays(range)
    d.db.transaction(() => {
      for (const item of chunk) {
        const policy = d.policies.resolve(item.category)
        const lead = item.leadTimeDays ?? DEFAULT_LEAD_TIME_D
        const review = reviewDays(today, item.orderDays)
        const units = series.get(item.sku)
        const first = firstDays.get(item.sku)
        const start = first !== undefined && first > from ? first : from
        const offset = daysBetween(from, start)
        const hist = units === undefined ? new Float64Array(0) : units.subarray(offset, daysBetween(from, yesterday) + 1)
        const soldToday = units === undefined ? 0 : units[daysBetween(from, today)]
        const f = forecast({ startDay: start, units: hist, flags: flagsOf(offset, dayFlags, from, promos.get(item.sku)) }, Math.max(8, 1 + Math.ceil(lead + review) + 1))
        d.forecasts.record(today, { sku: item.sku, demandClass: f.demandClass, method: f.method, daily: f.daily, sigmaDay: f.sigmaDay, confidence: f.confidence })
        const s = stock.get(item.sku) ?? { onHand: 0, phantomUnits: 0 }
        const open = onOrder.get(item.sku)
        const pipeline = Math.max(open?.open ?? 0, inTransit.get(item.sku) ?? 0)
        const capacity = item.shelfCapacity !== null && item.backroomCapacity !== null ? item.shelfCapacity + item.backroomCapacity : null
        const mm = minMax({ meanDaily: meanOf(hist), leadTimeDays: lead, casePack: item.casePack, facings: item.facings, position: s.onHand + pipeline })
        const stale = [...staleStore]
        const doubt = inDoubt.get(item.sku)
        if (doubt !== undefined) stale.push(`inventory unreconciled: ${doubt}`)
        const last = lastCounts.get(item.sku)
        if (last === undefined || Date.parse(last) < nowMs - policy.fallback.countStaleDays * 86_400_000) stale.push(`inventory unreconciled: not counted in ${policy.fallback.countStaleDays} days`)
        const out = orderUpTo({
          daily: f.daily.slice(1),
          restOfToday: Math.max(0, (f.daily[0] ?? 0) - soldToday),
          sigmaDay: f.sigmaDay,
          leadTimeDays: lead,
          leadTimeStdDays: leadSpread.get(item.supplier ?? '') ?? leadSpread.get(ALL_SUPPLIERS) ?? 0,
          reviewDays: review,
          serviceLevel: policy.serviceLevel,
          onHand: s.onHand,
          phantomUnits: s.phantomUnits,
          pipeline,
          casePack: item.casePack,
          minOrderUnits: item.minOrderUnits,
          capacity
        })
        let qty = out.qty
        if (stale.length > 0) {
          qty = mm.qty === 0 ? 0 : Math.max(mm.qty, item.minOrderUnits === null ? 0 : Math.ceil(item.minOrderUnits / item.casePack) * item.casePack)
          sum.fallback++
        }
        const existing = d.proposals.forSkuDay(item.sku, today)
        if (existing !== undefined && existing.state !== 'pending') { sum.decided++; continue }
        if (qty === 0) {
          sum.nothing++
          if (existing !== undefined) withdraw(d, existing.id, item.sku, now, versions)
          continue
        }
        const unitCost = item.unitCost ?? item.unitPrice
        const value = unitCost === null ? null : Math.round(qty * unitCost * 100) / 100
        const usual = usualOrder(lastApproved.get(item.sku), cycleNeed(meanOf(hist), review, item.casePack))
        const dev = deviationPct(qty, usual, item.casePack)
        const reasons = reviewReasons({ qty, value, confidence: f.confidence, deviationPct: dev, stale }, policy)
        const reasoning = {
          forecast: forecastSummary(f),
          orderUpTo: out.reasoning,
          proposedByOrderUpTo: out.qty,
          minMax: mm,
          leadTimeDays: lead,
          reviewDays: review,
          supplier: item.supplier,
          onOrder: open ?? null,
          inTransit: inTransit.get(item.sku) ?? 0,
          stale,
          serviceLevel: policy.serviceLevel
        }
        const res = d.proposals.upsert({
          sku: item.sku,
          orderDay: today,
          qty,
          casePack: item.casePack,
          minMaxQty: mm.qty,
          unitCost,
          value,
          usualQty: usual,
          deviationPct: dev === null ? null : Math.round(dev * 10) / 10,
          confidence: Math.round(f.confidence * 1000) / 1000,
          fallback: stale.length > 0,
          reviewReasons: reasons,
          reasoning,
          policyId: policy.policyId,
          policyVersion: policy.version,
          expiresAt: new Date(nowMs + policy.proposalTtlHours * 3_600_000).toISOString()
        }, now)
        if (res === null) { sum.decided++; continue }
        if (res.created) sum.created++
        else sum.refreshed++
        const actor = policyActor(policy)
        const pv = actor.slice('policy:'.length)
        d.audit.append({
          kind: 'proposal.recommended',
          actor: 'system',
          subject: `proposal:${res.proposal.id}`,
          reason: reasons.length === 0 ? 'within the policy: auto-approvable' : reasons.join('; '),
          inputs: { sku: item.sku, orderDay: today, qty, minMaxQty: mm.qty, value, confidence: res.proposal.confidence, deviationPct: res.proposal.deviationPct, reasoning },
          versions: { ...versions, forecast: f.method, policy: pv }
        })
        if (reasons.length === 0) {
          approveInTx(d, res.proposal, { mode: 'auto', by: actor, reason: 'within the policy thresholds', qty, at: now, kind: 'proposal.auto_approved', versions: { ...versions, forecast: f.method, policy: pv } })
          sum.autoApproved++
        } else sum.pending++
      }
    }).immediate()
    if (c + CHUNK < due.length) await new Promise((resolve) => setImmediate(resolve))
  }
  sum.ms = Math.round(performance.now() - started)
  d.log.info({ ...sum }, 'order proposals run')
  return sum
}

/** A pending proposal a later run found nothing to order for: expired with the reason. */
function withdraw (d: RunDeps, id: number, sku: string, now: string, versions: Versions): void {
  if (!d.proposals.decide(id, 'expired', { at: now, by: 'system', mode: null, reason: 'a later run found nothing to order', qty: null })) return
  d.audit.append({ kind: 'proposal.withdrawn', actor: 'system', subject: `proposal:${id}`, reason: 'a later run found nothing to order', inputs: { sku }, versions })
}

/** Reasons every item's inputs are stale today: the sales feed silent, the shelf-risk model standing down. */
function storeWideStale (d: RunDeps, nowMs: number): string[] {
  const out: string[] = []
  const last = d.sales.lastSaleAt()
  // The sales feed is one for the store: the default policy's threshold, in hours the store was open.
  const hours = d.policies.resolve(null).fallback.salesStaleHours
  if (last !== null) {
    const open = openHoursBetween(Date.parse(last), nowMs, hoursOf(d.storeHours))
    if (open > hours) out.push(`no sales data for ${Math.floor(open)} open hours (last sale ${last})`)
  }
  const model = d.modelFallback()
  if (model !== null) out.push(`shelf-risk model in fallback: ${model}`)
  return out
}

/** Step of the open-hours count, ms; and the most steps counted (a week). */
const OPEN_STEP_MS = 15 * 60_000
const OPEN_STEPS_MAX = 7 * 24 * 4

/** Hours the store was open between two instants (all of them when storeHours is empty), to a quarter hour. */
export function openHoursBetween (fromMs: number, toMs: number, hours: ReturnType<typeof hoursOf>): number {
  let open = 0
  let steps = 0
  for (let t = fromMs; t + OPEN_STEP_MS <= toMs && steps < OPEN_STEPS_MAX; t += OPEN_STEP_MS, steps++) {
    if (onShift(hours, t)) open += OPEN_STEP_MS
  }
  return open / 3_600_000
}

function stockBySku (positions: Array<{ sku: string, location: string, onHand: number }>, kindOf: RunDeps['kindOf'], phantom: Map<string, number>): Map<string, { onHand: number, phantomUnits: number }> {
  const out = new Map<string, { onHand: number, phantomUnits: number }>()
  for (const p of positions) {
    const kind = kindOf(p.location)
    if (kind === undefined || kind === 'other') continue
    let s = out.get(p.sku)
    if (!s) { s = { onHand: 0, phantomUnits: 0 }; out.set(p.sku, s) }
    const units = Math.max(0, p.onHand)
    s.onHand += units
    // The estimate is the probability the shelf is really empty while the record says `units`.
    if (kind === 'shelf') s.phantomUnits += units * (phantom.get(`${p.sku}\u0000${p.location}`) ?? 0)
  }
  return out
}

/** The calendar's flags per day from `from` (index 0), computed once per run. */
function calendarFlags (from: string, calendar: Map<string, { event: string | null, snap: boolean }>, days: number): Array<DayFlags | undefined> {
  const out = new Array<DayFlags | undefined>(days)
  for (const [day, c] of calendar) {
    const i = daysBetween(from, day)
    if (i >= 0 && i < days) out[i] = { event: c.event !== null && c.event !== '', snap: c.snap }
  }
  return out
}

/** Flags of day i of a history starting `offset` days after `from`: the calendar's, and the item's promotions. */
function flagsOf (offset: number, dayFlags: Array<DayFlags | undefined>, from: string, promos: Array<{ from: string, to: string }> | undefined): (i: number) => DayFlags | undefined {
  if (promos === undefined) return (i) => dayFlags[offset + i]
  const spans = promos.map((p) => [daysBetween(from, p.from), daysBetween(from, p.to)] as const)
  return (i) => {
    const k = offset + i
    const promo = spans.some(([a, b]) => a <= k && k <= b)
    const c = dayFlags[k]
    return promo ? { ...c, promo } : c
  }
}

function meanOf (units: ArrayLike<number>): number {
  if (units.length === 0) return 0
  let s = 0
  for (let i = 0; i < units.length; i++) s += units[i]
  return s / units.length
}

function forecastSummary (f: Forecast): Record<string, unknown> {
  const r = (v: number): number => Math.round(v * 1000) / 1000
  return {
    demandClass: f.demandClass,
    method: f.method,
    level: r(f.level),
    daily: f.daily.map(r),
    dowProfile: f.dowProfile.map(r),
    uplift: f.uplift,
    sigmaDay: r(f.sigmaDay),
    error: f.error,
    confidence: r(f.confidence),
    observations: f.observations
  }
}
