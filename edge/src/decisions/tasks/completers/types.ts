// What completing a task of one kind does: each kind has a completer (fill.ts, and one file per
// other kind) that checks the associate's result, posts the inventory movements through ingest
// (so the journal, features and scoring see them like any handheld post) and says what else must
// happen in the transaction that marks the task done (a count raised by a short fill, the phantom
// detector's precision record).

import type { Ingest } from '../../../ingest/pipeline.js'
import type { LocationKind } from '../../../store/catalog.js'
import type { Database } from '../../../store/db.js'
import type { TaskStore } from '../task-store.js'
import type { Task } from '../types.js'

/** What the handheld reports with a complete action. Which fields a kind reads is its completer's business. */
export interface CompleteResult {
  /** Units moved to the task's location (a fill: onto the shelf; a put-away: into its destination). */
  moved?: number
  /** Units found at the source (a fill's bin) or, for a count, at the task's location. */
  found?: number
  /** A count of several locations: what was counted where. */
  counts?: Array<{ location: string, qty: number }>
  /** A put-away that went somewhere other than asked: where. */
  to?: string
  /** A review: what the associate decided (accept the receipt as scanned, or recount). */
  decision?: string
  laborMin?: number
  note?: string
}

export interface CompletionInput {
  task: Task
  result: CompleteResult
  /** Who did it; null when a manager decided on the panel (`decidedBy`). */
  associateId: string | null
  /** The handheld the associate used; null on the panel. */
  deviceId: string | null
  /** A manager deciding on the panel instead of an associate (a review): their user name. */
  decidedBy?: string
  /** Event time, ISO 8601: when the associate completed it. */
  at: string
  ingest: Ingest
  /** Largest quantity a result may report, units (config maxQty). */
  maxQty: number
  /** What a completer may read of the store: the record and the locations. */
  reads: CompletionReads
}

export interface CompletionReads {
  /** Units on hand at a location by the record. */
  onHand (sku: string, location: string): number
  /** The kind of a location; undefined for one the store does not know. */
  kindOf (location: string): LocationKind | undefined
  /** What a journalled task event did to on-hand at a location (a count's correction), units. */
  onHandDelta (eventId: string, location: string): number
}

export interface Completion {
  /** Kept on the task as its result (merged with laborMin, note and the event ids). */
  result: Record<string, unknown>
  /** Ids of the canonical events the completion posted (device TASK_DEVICE_ID). */
  events: string[]
  /**
   * Runs inside the transaction that marks the task done (`db` is that transaction's connection:
   * a review marks its discrepancy resolved); returns the ids of any tasks it raised.
   */
  inTx?: (tasks: TaskStore, db: Database) => number[]
}

/** Throws an EdgeError (4xx) for a result the kind cannot take; the action is then rejected. */
export type Completer = (c: CompletionInput) => Promise<Completion>
