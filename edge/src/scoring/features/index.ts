// The shelf-risk features: what the scoring service, the HTTP layer and main.ts use.

export { FeatureBook, type FeatureBookOptions, type FeatureKey } from './book.js'
export { loadFeatureBook, type LoadFeatureBookOptions } from './bootstrap.js'
export { commitFeed, type Committed } from './commit-feed.js'
export { featureEventOf } from './from-entry.js'
export { featureRows, type FeatureRow, type FeatureRowFilter } from './rows.js'
export type { FeatureEvent, ItemFacts, KindOf, LedgerFact } from './types.js'
export type { PhantomFacts } from './phantom.js'
export type { PhantomMark } from './state.js'
