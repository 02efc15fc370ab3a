// An item's drill-down over the last hours: its positions now, the ledger rows in the window with
// the event behind each, and two chart series per location: on hand over time (each ledger row's
// balance, from the balance before the window to the position now) and the shelf-risk score over
// time (the kept history points, then the current score).

import { EdgeError, Errors } from '../../core/errors.js'
import { RISK_HISTORY_STEP } from '../../scoring/service/persist.js'
import type { Position } from '../../store/queries.js'
import type { TimelineMovement, TimelineReads } from '../../store/timeline-reads.js'
import type { AppDeps } from '../deps.js'

/** Ledger rows a timeline carries at most; `truncated` says when the window held more. */
export const MAX_MOVEMENTS = 2000

export interface StockSeries { location: string, kind: string | null, points: Array<{ at: string, onHand: number }> }
export interface RiskSeries { location: string, points: Array<{ at: string, score: number, scorer: string }> }

export interface ItemTimeline {
  sku: string
  description: string
  from: string
  to: string
  hours: number
  positions: Position[]
  movements: TimelineMovement[]
  truncated: boolean
  series: { stock: StockSeries[], risk: RiskSeries[] }
  /** A score history point is kept when a score moved at least this much (probability). */
  historyStep: number
}

export function itemTimeline (deps: Pick<AppDeps, 'catalog' | 'queries' | 'clock' | 'risk'>, reads: TimelineReads, sku: string, hours: number, location?: string): ItemTimeline {
  const item = deps.catalog.item(sku)
  if (!item) throw new EdgeError(Errors.NOT_FOUND, `SKU "${sku}" is not in the item master`)
  const toMs = deps.clock.now()
  const from = new Date(toMs - hours * 3_600_000).toISOString()
  const to = new Date(toMs).toISOString()
  const keep = (loc: string): boolean => location === undefined || loc === location
  const positions = deps.queries.positions(sku).filter((p) => keep(p.location))
  const rows = reads.movements(sku, from, MAX_MOVEMENTS + 1).filter((m) => keep(m.location))
  const truncated = rows.length > MAX_MOVEMENTS
  const movements = rows.slice(0, MAX_MOVEMENTS)

  const stock = new Map<string, StockSeries>()
  const series = (loc: string): StockSeries => {
    let s = stock.get(loc)
    if (!s) { s = { location: loc, kind: deps.catalog.location(loc)?.kind ?? null, points: [] }; stock.set(loc, s) }
    return s
  }
  for (const m of movements) {
    if (m.bucket !== 'on_hand') continue
    const s = series(m.location)
    if (s.points.length === 0) s.points.push({ at: from, onHand: m.balance - m.delta }) // before the window's first movement
    s.points.push({ at: m.at, onHand: m.balance })
  }
  for (const p of positions) series(p.location).points.push({ at: to, onHand: p.onHand })
  for (const s of stock.values()) if (s.points.length === 1) s.points.unshift({ at: from, onHand: s.points[0].onHand })

  const risk = new Map<string, RiskSeries>()
  for (const h of reads.scoreHistory(sku, from)) {
    if (!keep(h.location)) continue
    let s = risk.get(h.location)
    if (!s) { s = { location: h.location, points: [] }; risk.set(h.location, s) }
    s.points.push({ at: h.at, score: h.score, scorer: h.scorer })
  }
  for (const cur of deps.risk?.scores.forSku(sku) ?? []) {
    if (!keep(cur.location) || cur.scoredAtMs === 0) continue
    let s = risk.get(cur.location)
    if (!s) { s = { location: cur.location, points: [] }; risk.set(cur.location, s) }
    const at = new Date(cur.scoredAtMs).toISOString()
    if (s.points.at(-1)?.at !== at) s.points.push({ at, score: Math.round(cur.score * 1e4) / 1e4, scorer: cur.scorer })
  }

  const byLocation = <T extends { location: string }>(a: T, b: T): number => a.location.localeCompare(b.location)
  return {
    sku,
    description: item.description,
    from,
    to,
    hours,
    positions,
    movements,
    truncated,
    series: { stock: [...stock.values()].sort(byLocation), risk: [...risk.values()].sort(byLocation) },
    historyStep: RISK_HISTORY_STEP
  }
}
