// Keeps the book's view of master data and the record in step with the database: at start, and
// whenever an import (HTTP or the CLI, any process) bumped master_data_version — an on-hand
// snapshot overwrites positions, new items bring new home shelves, a location may change kind.

import type { Database } from 'better-sqlite3'
import type { Log } from '../../core/log.js'
import type { FeatureBook } from './book.js'
import { ledgerFactsSince } from './ledger-facts.js'

export interface MasterSyncOptions {
  log: Log
  /** Reloads the item and location cache the book reads through (Catalog.refreshIfChanged). */
  refreshCatalog?: () => void
}

export class MasterSync {
  /** Every SKU of the item master, sorted. */
  skus: readonly string[] = []
  private version = -1
  /** Events up to this seq were read at start-up: none of them will reach the book again. */
  private bootSeq = 0
  private readonly readVersion
  private readonly readSkus
  private readonly readMaxSeq
  private readonly readPositions

  constructor (private readonly db: Database, private readonly opts: MasterSyncOptions) {
    this.readVersion = db.prepare('SELECT version FROM master_data_version WHERE id = 1').pluck()
    this.readSkus = db.prepare('SELECT sku FROM items ORDER BY sku').pluck()
    this.readMaxSeq = db.prepare('SELECT max(seq) FROM events').pluck()
    this.readPositions = db.prepare('SELECT sku, location, on_hand, in_transit FROM positions').raw()
  }

  /** Reads master data and every position into the book; returns the journal seq they reflect. */
  load (book: FeatureBook, opts: { atStart?: boolean } = {}): { seq: number, positions: number } {
    this.opts.refreshCatalog?.()
    // One read transaction: the positions, the version and the last seq are of the same moment,
    // whatever the journal thread commits meanwhile.
    return this.db.transaction(() => {
      this.version = this.readVersion.get() as number
      this.skus = this.readSkus.all() as string[]
      const seq = (this.readMaxSeq.get() as number | null) ?? 0
      book.clearPositions()
      let positions = 0
      for (const [sku, location, onHand, inTransit] of this.readPositions.iterate() as IterableIterator<[string, string, number, number]>) {
        book.setPosition(sku, location, onHand, inTransit)
        positions++
      }
      if (opts.atStart === true) {
        this.bootSeq = seq
        book.markSynced(seq)
      } else {
        // Batches committed but not yet handed to the book are in the positions just read: the
        // book must not move stock for them again, and learns their counts and fills from the ledger.
        const from = Math.max(book.appliedSeq, this.bootSeq) + 1
        book.markSynced(seq, from <= seq ? ledgerFactsSince(this.db, from, seq) : undefined)
      }
      return { seq, positions }
    }).immediate()
  }

  /** Reloads when an import bumped master_data_version; one small read otherwise. */
  ifChanged (book: FeatureBook): boolean {
    if (this.readVersion.get() === this.version) return false
    const t0 = performance.now()
    const { seq, positions } = this.load(book)
    this.opts.log.info({ positions, skus: this.skus.length, seq, ms: Math.round(performance.now() - t0) }, 'feature book re-read master data and positions')
    return true
  }
}
