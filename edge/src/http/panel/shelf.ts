// The shelf as the overview shows it, from the current shelf-risk scores (one per shelf
// SKU-location, refreshed by the fast tier on fresh events and by the full pass on riskSlowCron):
// the on-shelf availability estimate and the items at risk now.

import type { RiskService } from '../../scoring/service/service.js'
import { topRisk, type RiskView } from '../../scoring/service/views.js'
import { FEATURE_INDEX, HORIZON_H } from '../../scoring/spec.js'

export interface ShelfView {
  availability: {
    /** Share 0-1 of scored shelf SKU-locations whose recorded shelf quantity is above 0; null when none is scored. */
    onShelf: number | null
    /** Share 0-1 of them on the shelf and below the risk threshold. */
    onShelfNotAtRisk: number | null
    shelves: number
    empty: number
    method: string
  }
  atRisk: { count: number, threshold: number, horizonH: number, top: RiskView[] }
}

const SHELF_QTY = FEATURE_INDEX.shelf_qty
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4

export function shelfView (risk: RiskService | undefined, threshold: number, top = 5): ShelfView {
  let shelves = 0
  let empty = 0
  let fine = 0
  for (const s of risk?.scores.all() ?? []) {
    shelves++
    if (s.features[SHELF_QTY] <= 0) empty++
    else if (s.score < threshold) fine++
  }
  const ranked = risk ? topRisk(risk, { limit: top, minScore: threshold }) : { scores: [], total: 0 }
  return {
    availability: {
      onShelf: shelves > 0 ? r4((shelves - empty) / shelves) : null,
      onShelfNotAtRisk: shelves > 0 ? r4(fine / shelves) : null,
      shelves,
      empty,
      method: `over every shelf SKU-location with a current shelf-risk score: on shelf = recorded shelf quantity (on hand + picked on the way to it, as last scored) above 0; not at risk = also a score below fillRiskThreshold (${threshold}, the probability of an empty shelf within ${HORIZON_H} h)`
    },
    atRisk: { count: ranked.total, threshold, horizonH: HORIZON_H, top: ranked.scores }
  }
}
