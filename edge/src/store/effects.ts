// What each canonical event does to perpetual inventory. Pure: given the event and the current
// positions it returns the ledger changes, so the rules are tested without a database.

import type { CanonicalEvent, EventType } from '../core/event.js'

export type Bucket = 'on_hand' | 'in_transit' | 'reserved'

export interface Change {
  location: string
  bucket: Bucket
  delta: number
  reason: string
}

export type PositionReader = (location: string, bucket: Bucket) => number

/** Event types that move stock; the others are observations kept in the journal only. */
export const MOVING_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'cycle_count', 'pick', 'putaway', 'receipt', 'sale', 'return', 'reserve', 'release', 'adjust'
])

/** What the inventory rules read of an event (the journal thread receives only this and the row). */
export interface Movement {
  type: EventType
  location?: string
  qty?: number
  /** data.from: the location stock is taken from (pick, putaway from receiving). */
  from?: string
  /** data.reason of an adjustment (damage, shrink found). */
  reason?: string
}

export function movementOf (e: CanonicalEvent): Movement {
  return {
    type: e.type,
    location: e.location,
    qty: e.qty,
    from: typeof e.data.from === 'string' ? e.data.from : undefined,
    reason: typeof e.data.reason === 'string' ? e.data.reason : undefined
  }
}

/**
 * Changes for one event. `location` is already resolved (ingest fills a sale's location from the
 * item's home shelf). A putaway without `data.from` completes a shelf fill: it takes from the
 * shelf's in-transit bucket what is there (never below zero) and adds the full quantity on hand.
 */
export function effectsOf (e: Movement, read: PositionReader): Change[] {
  const loc = e.location
  const qty = e.qty ?? 0
  if (loc === undefined || !MOVING_TYPES.has(e.type)) return []
  const from = e.from
  switch (e.type) {
    case 'sale':
      return [{ location: loc, bucket: 'on_hand', delta: -qty, reason: 'sale' }]
    case 'return':
      return [{ location: loc, bucket: 'on_hand', delta: qty, reason: 'return' }]
    case 'receipt':
      return [{ location: loc, bucket: 'on_hand', delta: qty, reason: 'receipt' }]
    case 'cycle_count': {
      const delta = qty - read(loc, 'on_hand')
      return [{ location: loc, bucket: 'on_hand', delta, reason: 'count' }]
    }
    case 'pick':
      if (from === undefined) return []
      return [
        { location: from, bucket: 'on_hand', delta: -qty, reason: 'pick' },
        { location: loc, bucket: 'in_transit', delta: qty, reason: 'pick' }
      ]
    case 'putaway': {
      if (from !== undefined) {
        return [
          { location: from, bucket: 'on_hand', delta: -qty, reason: 'putaway' },
          { location: loc, bucket: 'on_hand', delta: qty, reason: 'putaway' }
        ]
      }
      const inTransit = Math.max(0, read(loc, 'in_transit'))
      const taken = Math.min(qty, inTransit)
      const changes: Change[] = []
      if (taken > 0) changes.push({ location: loc, bucket: 'in_transit', delta: -taken, reason: 'putaway' })
      changes.push({ location: loc, bucket: 'on_hand', delta: qty, reason: 'putaway' })
      return changes
    }
    case 'reserve':
      return [{ location: loc, bucket: 'reserved', delta: qty, reason: 'reserve' }]
    case 'release': {
      const held = Math.max(0, read(loc, 'reserved'))
      return [{ location: loc, bucket: 'reserved', delta: -Math.min(qty, held), reason: 'release' }]
    }
    case 'adjust': {
      const reason = e.reason !== undefined ? `adjust:${e.reason}` : 'adjust'
      return [{ location: loc, bucket: 'on_hand', delta: qty, reason }]
    }
    default:
      return []
  }
}

/** Which event types need which fields, checked by ingest before the journal. */
export function requirementsOf (type: EventType): { sku: boolean, qty: boolean, location: boolean, from: boolean, signedQty: boolean } {
  const moving = MOVING_TYPES.has(type)
  return {
    sku: moving || type === 'shelf_weight',
    qty: moving || type === 'shelf_weight',
    location: moving,
    from: type === 'pick',
    signedQty: type === 'adjust'
  }
}
