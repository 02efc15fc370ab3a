// A small store for the feature book's tests: three items, two shelves and an end cap, two
// backroom bins, receiving; events built with only the fields a test cares about.

import type { LocationKind } from '../../src/store/catalog.js'
import { FeatureBook, type FeatureEvent, type ItemFacts } from '../../src/scoring/features/book.js'
import { FEATURE_COUNT, FEATURE_INDEX, type FeatureName } from '../../src/scoring/spec.js'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
/** Monday 5 January 2026, 00:00 UTC. */
export const MONDAY = Date.parse('2026-01-05T00:00:00.000Z')

export const KINDS: Record<string, LocationKind> = {
  'A01-1': 'shelf', 'A01-2': 'shelf', 'END-1': 'shelf', 'BR-01': 'backroom', 'BR-02': 'backroom', RCV: 'receiving'
}

export const ITEMS: Record<string, ItemFacts> = {
  MILK: { sku: 'MILK', category: 'DAIRY', shelfCapacity: 24, casePack: 6, leadTimeDays: 1, unitPrice: 1.25, homeLocation: 'A01-1' },
  OATS: { sku: 'OATS', category: 'FOODS', shelfCapacity: 20, casePack: 10, leadTimeDays: 3, unitPrice: 3.5, homeLocation: 'A01-2' },
  BARE: { sku: 'BARE', category: null, shelfCapacity: null, casePack: 12, leadTimeDays: null, unitPrice: null, homeLocation: 'A01-2' }
}

export function newBook (): FeatureBook {
  return new FeatureBook({ item: (sku) => ITEMS[sku], kindOf: (id) => KINDS[id], skus: () => Object.keys(ITEMS) })
}

/** An event at atMs; sku MILK and its home shelf unless given. */
export function ev (type: FeatureEvent['type'], atMs: number, fields: Partial<FeatureEvent> = {}): FeatureEvent {
  return { type, sku: 'MILK', location: 'A01-1', qty: null, occurredAtMs: atMs, from: null, price: null, ...fields }
}

export function sale (atMs: number, qty = 1, fields: Partial<FeatureEvent> = {}): FeatureEvent {
  return ev('sale', atMs, { qty, ...fields })
}

/** The features of (sku, location) at nowMs by name. */
export function features (book: FeatureBook, nowMs: number, sku = 'MILK', location = 'A01-1'): Record<FeatureName, number> & { nonFinite: number } {
  const v = new Float32Array(FEATURE_COUNT)
  const nonFinite = book.vector(sku, location, nowMs, v)
  const out = { nonFinite } as Record<FeatureName, number> & { nonFinite: number }
  for (const [name, i] of Object.entries(FEATURE_INDEX)) out[name as FeatureName] = v[i]
  return out
}

/** Seeded pseudo-random numbers (mulberry32), so a random mix is the same on every run. */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
