// Feature vectors as named rows, for an API route, the panel and tests (scoring reads vectors).

import { FEATURE_COUNT, FEATURE_NAMES, type FeatureName } from '../spec.js'
import type { FeatureBook } from './book.js'

export interface FeatureRowFilter {
  sku?: string
  location?: string
  category?: string
}

export interface FeatureRow {
  sku: string
  location: string
  features: Record<FeatureName, number>
}

export function featureRows (book: FeatureBook, nowMs: number, filter: FeatureRowFilter = {}): FeatureRow[] {
  const v = new Float32Array(FEATURE_COUNT)
  const rows: FeatureRow[] = []
  for (const { sku, location } of book.keys()) {
    if (filter.sku !== undefined && sku !== filter.sku) continue
    if (filter.location !== undefined && location !== filter.location) continue
    if (filter.category !== undefined && book.categoryOf(sku) !== filter.category) continue
    book.vector(sku, location, nowMs, v)
    const features = {} as Record<FeatureName, number>
    for (let i = 0; i < FEATURE_COUNT; i++) features[FEATURE_NAMES[i]] = v[i]
    rows.push({ sku, location, features })
  }
  return rows
}
