// What the store later confirms about a shelf, the outcome a score is judged by: a count at the
// shelf (0 units = empty, more = not), a camera gap detection (empty), an associate's shelf check
// with a quantity seen, and a fill of a shelf whose record was empty before it (the associate
// found it empty and filled it; weaker evidence, kept apart as source "fill").

import type { LocationKind } from '../../store/catalog.js'
import type { FeatureEvent } from '../features/book.js'

export type ConfirmationSource = 'count' | 'gap' | 'check' | 'fill'

export interface Confirmation {
  empty: 0 | 1
  source: ConfirmationSource
}

export interface ConfirmContext {
  kindOf: (location: string) => LocationKind | undefined
  /** Units on the shelf by the record, after the event was applied. */
  onHandAfter: (sku: string, location: string) => number
}

const CONFIRMING = new Set(['gap_detected', 'cycle_count', 'shelf_check', 'putaway'])

/** Runs for every committed event: the type is looked at before the location. */
export function confirmationOf (e: FeatureEvent, ctx: ConfirmContext): Confirmation | null {
  if (!CONFIRMING.has(e.type) || e.sku === null || e.location === null || ctx.kindOf(e.location) !== 'shelf') return null
  switch (e.type) {
    case 'gap_detected':
      return { empty: 1, source: 'gap' }
    case 'cycle_count':
      return e.qty === null ? null : { empty: e.qty <= 0 ? 1 : 0, source: 'count' }
    case 'shelf_check':
      return e.qty === null ? null : { empty: e.qty <= 0 ? 1 : 0, source: 'check' }
    case 'putaway': {
      if (e.from !== null || e.qty === null || e.qty <= 0) return null
      return ctx.onHandAfter(e.sku, e.location) - e.qty <= 0 ? { empty: 1, source: 'fill' } : null
    }
    default:
      return null
  }
}
