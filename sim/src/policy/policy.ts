// What a way of running the store decides, and what it is told. The engine owns the physical truth
// and never shows it to a policy: a policy learns the world only from what associates report (the
// outcome of the work it asked for), the paperwork of deliveries and its own inventory record.

import type { RecordView } from '../kpi/recorder.js'
import type { Delivery } from '../world/dock.js'
import type { Work, WorkQueue } from '../world/labor.js'

/** What an associate reports when a piece of work is done (what they scanned; scans can be wrong). */
export type WorkReport =
  | { kind: 'receive', cartons: Array<{ id: string, sku: string, units: number }> }
  | { kind: 'putaway', sku: string, units: number, toShelf?: number, found?: number }
  | { kind: 'review', sku: string }
  | { kind: 'fill', sku: string, shelfBefore: number, moved: number, backroomLeft: number }
  | { kind: 'count', sku: string, shelf: number, backroom: number }
  | { kind: 'walk', fills: Array<{ sku: string, shelfBefore: number, moved: number }> }

export interface Now { t: number, day: number, minute: number }

export interface Policy {
  readonly name: 'traditional' | 'store-edge'
  /** Once per simulated minute, before idle associates take work. May queue work. */
  tick (now: Now, queue: WorkQueue): Promise<void>
  /** A delivery is at the dock. */
  delivery (now: Now, d: Delivery, queue: WorkQueue): void
  /** A finished piece of work and what the associate reported. */
  done (now: Now, work: Work, report: WorkReport, associate: string, queue: WorkQueue): void
  /** A sale rang up at the POS (the POS feed reaches every store's records). */
  sold (sku: string, qty: number): void
  /** After close: the order lines to send the supplier. */
  orders (now: Now, onOrderUnits: (sku: string) => number): Promise<Array<{ sku: string, cases: number }>>
  /** Minutes the manager spent on the orders just sent (reviewing proposals): labor, counted in the KPIs. */
  orderReviewMin?(): number
  /** Refreshes the record before it is compared with the truth (hourly). */
  refresh (now: Now): Promise<void>
  /** Counts done and how many found the record wrong, where the policy keeps that itself. */
  countPrecision?(): { counts: number, discrepancies: number }
  /** What the policy's inventory record says of a SKU. */
  record (sku: string): RecordView | undefined
}
