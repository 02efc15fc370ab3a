// What the feature book is told: item facts, the kind of a location, and committed events reduced to
// the fields the features read. Kept apart from the book so the feed, the bootstrap and the tests
// share one vocabulary.

import type { EventType } from '../../core/event.js'
import type { LocationKind } from '../../store/catalog.js'

/** The item master fields the features read (a catalog Item satisfies it). */
export interface ItemFacts {
  sku: string
  category: string | null
  shelfCapacity: number | null
  casePack: number
  leadTimeDays: number | null
  unitPrice: number | null
  homeLocation: string | null
}

export type KindOf = (location: string) => LocationKind | undefined

/**
 * The event's on-hand ledger row at its own location, when the caller read it from the ledger:
 * replays (effects false) cannot compute a count's variance or the shelf after a fill from the
 * mirror, which already holds today's record.
 */
export interface LedgerFact {
  /** Units: for a count, counted - record before (the variance). */
  delta: number
  /** Units on hand at the location right after the event. */
  balance: number
}

export interface FeatureEvent {
  /** Journal sequence; the book skips the stock effects of events its mirror already holds. */
  seq?: number
  type: EventType
  sku: string | null
  location: string | null
  qty: number | null
  /** Event time, epoch milliseconds. */
  occurredAtMs: number
  /** data.from: the location stock is taken from (pick, putaway from receiving). */
  from: string | null
  /** Unit price of a sale (POS data.price), in the store's currency. */
  price: number | null
  ledger?: LedgerFact
}

/** One on-hand ledger row of a count or a putaway: location, delta, balance. */
export interface LedgerRow extends LedgerFact {
  location: string
}

/** Ledger rows of counts and putaways by event seq (see ledger-facts.ts). */
export type LedgerFacts = ReadonlyMap<number, readonly LedgerRow[]>
