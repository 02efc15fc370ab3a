// The sales history a store hands its new server at onboarding (a year of ERP daily sales), the day
// calendar (M5 events and SNAP days, for the history and the run ahead: a calendar is known in
// advance) and the promotion calendar, as the body of POST /api/v1/sales/history. The history is
// what the simulator's demand model would have sold on those days: the same series, scaling,
// shifting and stochastic rounding as the run's customers (unitsOn), on its own random stream.

import type { Layout, SimSku } from '../layout.js'
import { Rng } from '../rng.js'
import { unitsOn } from './assortment.js'
import { dayDiff } from './m5.js'

export interface SalesRow { sku: string, day: string, units: number }
export interface CalendarDay { day: string, event?: string, snap?: boolean }
export interface PromotionRow { sku: string, from: string, to: string }

export interface SalesHistoryBody {
  sales?: SalesRow[]
  days?: CalendarDay[]
  promotions?: PromotionRow[]
}

/** Days of sales history a store imports at onboarding. */
export const HISTORY_DAYS = 365
/** Sales rows per request at most (the endpoint's limit). */
export const MAX_SALES_ROWS = 100_000

export interface HistoryInputs {
  layout: Layout
  storeId: string
  /** First day of the run, YYYY-MM-DD: the history is the HISTORY_DAYS days before it. */
  startDate: string
  /** Days the run lasts: the calendar covers them too. */
  days: number
  seed: number
  /** The scenario's promotions, resolved to SKUs, in run days from 0 (Setup.promos). */
  promos: ReadonlyArray<{ skus: ReadonlySet<string>, fromDay: number, toDay: number }>
}

const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10)

/** The whole onboarding body: every SKU's year of daily sales, the calendar and the promotions. */
export function salesHistory (h: HistoryInputs): Required<SalesHistoryBody> {
  const rng = new Rng(h.seed, 'history')
  const sales: SalesRow[] = []
  for (const s of h.layout.skus) {
    for (let d = -HISTORY_DAYS; d < 0; d++) {
      const day = addDays(h.startDate, d)
      const seriesDay = dayDiff(s.demand.base.startDate, day)
      // An item not yet on sale that day (M5 has no price before its first sale) has no ERP line.
      if (!onSale(s, seriesDay)) continue
      sales.push({ sku: s.sku, day, units: unitsOn(s.demand, seriesDay, rng) })
    }
  }
  return { sales, days: calendar(h), promotions: promotions(h) }
}

function onSale (s: SimSku, seriesDay: number): boolean {
  const n = s.demand.base.price.length
  return Number.isFinite(s.demand.base.price[((seriesDay + s.demand.offset) % n + n) % n])
}

/**
 * Events and SNAP days from the store's own M5 series (the calendar is the store's: SNAP days are
 * set per state), from the first history day to the run's last; days outside the data are left out.
 */
export function calendar (h: Pick<HistoryInputs, 'layout' | 'storeId' | 'startDate' | 'days'>): CalendarDay[] {
  const own = h.layout.skus.find((s) => s.demand.base.storeId === h.storeId) ?? h.layout.skus[0]
  if (!own) return []
  const base = own.demand.base
  const out: CalendarDay[] = []
  for (let d = -HISTORY_DAYS; d < h.days; d++) {
    const day = addDays(h.startDate, d)
    const i = dayDiff(base.startDate, day)
    if (i < 0 || i >= base.units.length) continue
    out.push({ day, ...(base.event[i] !== '' ? { event: base.event[i] } : {}), snap: base.snap[i] === 1 })
  }
  return out
}

/** One row per promoted SKU and promotion, run days turned into dates (both ends included). */
export function promotions (h: Pick<HistoryInputs, 'startDate' | 'promos'>): PromotionRow[] {
  const out: PromotionRow[] = []
  for (const p of h.promos) {
    for (const sku of [...p.skus].sort()) out.push({ sku, from: addDays(h.startDate, p.fromDay), to: addDays(h.startDate, p.toDay) })
  }
  return out
}

/**
 * The body split into requests of at most `maxRows` sales rows; the calendar and promotions ride
 * with the first. Re-posting rows is harmless (the server upserts), so a retry may resend a chunk.
 */
export function historyChunks (body: Required<SalesHistoryBody>, maxRows = MAX_SALES_ROWS): SalesHistoryBody[] {
  if (!(maxRows >= 1)) throw new RangeError(`maxRows ${maxRows} must be at least 1`)
  const out: SalesHistoryBody[] = []
  for (let i = 0; i < body.sales.length || i === 0; i += maxRows) {
    const chunk: SalesHistoryBody = { sales: body.sales.slice(i, i + maxRows) }
    if (i === 0) { chunk.days = body.days; chunk.promotions = body.promotions }
    out.push(chunk)
  }
  return out
}
