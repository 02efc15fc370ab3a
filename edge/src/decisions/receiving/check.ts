// What an ASN's close finds: per SKU, the units expected against the units scanned in. A SKU on
// the ASN that came short (or not at all) is `short`, one that came in excess is `over`, one that
// is not on the ASN at all is a `wrong_item`. Pure, so the rule is tested without a server.

import type { AsnLine, DiscrepancyKind, Received } from '../../store/asns.js'

export interface Found {
  sku: string
  kind: DiscrepancyKind
  /** Units on the ASN (0 for a wrong item). */
  expected: number
  /** Units scanned in. */
  received: number
  /** |received − expected|, units. */
  diff: number
  /** The receipts' event ids (device/id), for the review's lineage. */
  events: string[]
  /** Where the receipts went (receiving locations), in the order first seen. */
  locations: string[]
}

export function discrepanciesOf (lines: readonly AsnLine[], received: readonly Received[]): Found[] {
  const got = new Map(received.map((r) => [r.sku, r]))
  const out: Found[] = []
  for (const l of lines) {
    const r = got.get(l.sku)
    const qty = r?.qty ?? 0
    if (qty === l.qty) continue
    out.push({ sku: l.sku, kind: qty < l.qty ? 'short' : 'over', expected: l.qty, received: qty, diff: Math.abs(qty - l.qty), events: r?.events ?? [], locations: r?.locations ?? [] })
  }
  const listed = new Set(lines.map((l) => l.sku))
  for (const r of received) {
    if (listed.has(r.sku) || r.qty === 0) continue
    out.push({ sku: r.sku, kind: 'wrong_item', expected: 0, received: r.qty, diff: Math.abs(r.qty), events: r.events, locations: r.locations })
  }
  return out.sort((a, b) => a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)
}

/** Minutes to review one discrepancy: find the cartons at the dock, check labels, recount. */
export const REVIEW_LABOR_MIN = 5

/**
 * A review's rank: the money at stake (unit price × |difference|) per labor minute. An unknown
 * price counts as 1 (rank by units).
 */
export function reviewValue (unitPrice: number | null, diff: number, laborMin = REVIEW_LABOR_MIN): number {
  const price = unitPrice !== null && Number.isFinite(unitPrice) && unitPrice > 0 ? unitPrice : 1
  return price * diff / laborMin
}
