// Feeds the book from the commit queue's listener: once per committed batch, in commit order,
// before the submitters are answered. The listener's type lives in ingest (which must not import
// scoring); this is the same shape, and main.ts connects the two.

import type { BatchEntry } from '../../store/journal.js'
import type { FeatureBook } from './book.js'
import { featureEventOf } from './from-entry.js'
import type { FeatureEvent } from './types.js'

export interface Committed { seq: number, entry: BatchEntry }

/** `applied`: called after each event is in the book (the scoring fast tier checks isFresh there). */
export function commitFeed (book: FeatureBook, applied?: (e: FeatureEvent) => void): (accepted: ReadonlyArray<Committed>) => void {
  return (accepted) => {
    // An import may have rewritten positions since the last batch: re-read them before applying.
    book.refresh()
    for (const { seq, entry } of accepted) {
      const e = featureEventOf(seq, entry)
      if (e === undefined) continue
      book.apply(e)
      applied?.(e)
    }
  }
}
