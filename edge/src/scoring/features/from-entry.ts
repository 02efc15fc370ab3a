// A committed journal entry as the feature book reads it. The main thread holds the canonical
// event; a row tuple (the writer thread's form) carries data as JSON, parsed only for a sale's price.

import type { BatchEntry } from '../../store/journal.js'
import type { FeatureEvent } from './types.js'

export function featureEventOf (seq: number, entry: BatchEntry): FeatureEvent | undefined {
  if (entry.kind === 'event') {
    const e = entry.event
    return {
      seq,
      type: e.type,
      sku: e.sku ?? null,
      location: e.location ?? null,
      qty: e.qty ?? null,
      occurredAtMs: Date.parse(e.occurredAt),
      from: typeof e.data.from === 'string' ? e.data.from : null,
      price: e.type === 'sale' ? priceOf(e.data.price) : null
    }
  }
  if (entry.kind === 'row') {
    const r = entry.row
    return {
      seq,
      type: r[2],
      sku: r[6],
      location: r[8],
      qty: r[9],
      occurredAtMs: Date.parse(r[4]),
      from: r[12],
      price: r[2] === 'sale' ? priceOf((JSON.parse(r[10]) as Record<string, unknown>).price) : null
    }
  }
  return undefined
}

/** The same rule the start-up replay applies in SQL: a finite number, else unknown. */
export function priceOf (v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}
