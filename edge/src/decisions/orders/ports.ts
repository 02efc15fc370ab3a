// What the order proposals are given by the composition root: the governance policy for an item,
// the audit log, and where the store's stale inputs are read. Kept as small interfaces so the
// proposal logic is tested with real stores and no knowledge of how policies are kept.

import type { AuditEntry } from '../../store/audit.js'

/** The governance rules one proposal is held to (the effective policy for its category and the store's format). */
export interface OrderPolicy {
  policyId: string
  version: number
  /** Probability of no stockout over an order's protection period, (0.5, 1). */
  serviceLevel: number
  /** A pending proposal expires after this many hours. */
  proposalTtlHours: number
  autoApprove: {
    /** Forecast confidence (0-1) at or above which an order may go through on its own. */
    minConfidence: number
    /** Order value at cost, currency, at or below which it may. */
    maxValue: number
    /** |qty - usual order| / usual order, percent, at or below which it may. */
    maxDeviationPct: number
  }
  fallback: {
    /** No sale journalled for this long (hours) means the sales feed is down: min-max, for review. */
    salesStaleHours: number
    /** An item not counted (nor its stock imported) for this many days has an unreconciled record; 0 = not checked. */
    countStaleDays: number
  }
}

export interface PolicySource {
  resolve (category: string | null): OrderPolicy
}

/** Versions an audit row carries (model, policy, forecast method); the server's is added by the log. */
export type Versions = Record<string, string | number | null>

/** Appends inside the caller's transaction: the decision, its audit row and its outbox row commit together. */
export interface AuditSink {
  append (e: AuditEntry): unknown
}

/** Why the shelf-risk model stands down (no model, calibration drift), or null while it acts. */
export type ModelFallback = () => string | null
